// Rewriting a run-cache log (gc and verify removing entries, a writer compacting it) while other
// processes append to it. One rewrite of a log at a time (`<log>.rewrite`, taken over from a dead
// process). The rewrite reads the log through a descriptor it keeps, renames the new file over
// it, then copies what was appended to the old file after its read. A writer checks after each
// append that the log is still the file it wrote to, and appends again when it is not: a line
// the copy missed was written after the rename, so that writer sees the new file. No line is lost.
import { closeSync, fstatSync, openSync, readSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { isStaleLock, ownLockContent, parseLockContent, readLockFile, releaseIfOwned, takeOverStale, tryCreate } from '../project-mutex.js';
import type { CacheLayout } from './cache-layout.js';
import { parseRunLog, type RunLog, runLogLine, type RunLogWriter } from './run-log.js';

/** What a rewrite leaves of a log's records; undefined leaves the log as it is. */
export type RunLogChange = (log: RunLog) => ReadonlyMap<string, object> | undefined;

/**
 * Rewrites the log at `path` as `change` decides. Without `wait`, gives up (false) when another
 * process is rewriting it; true once rewritten.
 */
export async function rewriteRunLog(layout: CacheLayout, writer: RunLogWriter, path: string, change: RunLogChange, wait: boolean): Promise<boolean> {
  const token = await takeRewriteLock(`${path}.rewrite`, wait);
  if (token === undefined) return false;
  try {
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw error;
    }
    try {
      const read = readFrom(fd, 0);
      // A line being appended as the log was read is copied with what follows it, whole.
      const consumed = read.lastIndexOf(0x0a) + 1;
      const records = change(parseRunLog(read.subarray(0, consumed).toString('utf8')));
      if (records === undefined) return false;
      replace(layout, path, records);
      const appended = readFrom(fd, consumed);
      const whole = appended.subarray(0, appended.lastIndexOf(0x0a) + 1);
      if (whole.length > 0) writer.appendLines(path, whole.toString('utf8'));
      return true;
    } finally {
      closeSync(fd);
    }
  } finally {
    releaseIfOwned(`${path}.rewrite`, token);
  }
}

function replace(layout: CacheLayout, path: string, records: ReadonlyMap<string, object>): void {
  if (records.size === 0) {
    rmSync(path, { force: true });
    return;
  }
  const temp = layout.tempPath('.log');
  try {
    writeFileSync(temp, [...records].map(([key, entry]) => runLogLine(key, entry)).join(''));
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

function readFrom(fd: number, start: number): Buffer {
  const size = fstatSync(fd).size;
  const buffer = Buffer.alloc(Math.max(0, size - start));
  for (let read = 0; read < buffer.length; ) {
    const n = readSync(fd, buffer, read, buffer.length - read, start + read);
    if (n === 0) return buffer.subarray(0, read);
    read += n;
  }
  return buffer;
}

async function takeRewriteLock(lockPath: string, wait: boolean): Promise<string | undefined> {
  const mine = ownLockContent();
  for (;;) {
    if (tryCreate(lockPath, mine)) return mine.token;
    const current = await readLockFile(lockPath);
    if (current === undefined) continue;
    if (isStaleLock(parseLockContent(current.text), current.ageMs)) await takeOverStale(lockPath, current.text);
    else if (!wait) return undefined;
    else await sleep(10);
  }
}
