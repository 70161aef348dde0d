// Run-cache entries live in append-only logs, one per key shard (`runs/<key[:2]>.jsonl`), one JSON
// line per write. A file per entry cost an inode, a temp file and a rename for every stage that
// ran, the largest single cost of a first build after the stage's own process; an append to an
// existing log is one open and one write. Readers keep the last line of each key, so a reuse is
// recorded by appending the entry again.
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

const KEY = /^[0-9a-zA-Z_-]{3,}$/;

export interface RunLog {
  /** The newest raw record of each key, not yet validated. */
  readonly records: Map<string, Record<string, unknown>>;
  /** Lines in the file, superseded and unreadable ones included. */
  readonly lines: number;
}

/** One log; a missing file is an empty log. */
export function readRunLog(path: string): RunLog {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    // No log, or a file where runs/ belongs (a run then says what is in the way): no entries.
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return { records: new Map(), lines: 0 };
    throw error;
  }
  return parseRunLog(text);
}

export function parseRunLog(text: string): RunLog {
  const records = new Map<string, Record<string, unknown>>();
  let lines = 0;
  for (const line of text.split('\n')) {
    if (line === '') continue;
    lines++;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      continue; // the torn last line of a process that died mid-append
    }
    if (typeof record !== 'object' || record === null || Array.isArray(record)) continue;
    const { key, ...entry } = record as Record<string, unknown>;
    if (typeof key === 'string' && KEY.test(key)) {
      records.delete(key); // keeps the map in the order of each key's newest line
      records.set(key, entry);
    }
  }
  return { records, lines };
}

export const runLogLine = (key: string, entry: object): string => `${JSON.stringify({ key, ...entry })}\n`;

/**
 * Appends one record. Synchronous: a line of a few hundred bytes per stage, cheaper than a
 * thread-pool round trip. O_APPEND keeps lines of concurrent writers (projects sharing the cache)
 * whole; the first append of a process to a log starts a new line when the log's last line was
 * torn by a crash, so the damage stays on that line.
 */
export class RunLogWriter {
  private readonly checked = new Set<string>();

  append(path: string, key: string, entry: object): void {
    this.appendLines(path, runLogLine(key, entry));
  }

  /**
   * Appends whole lines. A rewrite of the log (gc, verify, compaction) may rename a new file over
   * the one written to: it copies what was appended to the old file until just after its rename,
   * and a write it missed came later, when the file written had no name any more: append again.
   */
  appendLines(path: string, lines: string): void {
    for (let tries = 1; ; tries++) {
      const stillLinked = this.appendOnce(path, lines);
      if (stillLinked || tries >= MAX_APPEND_TRIES) return;
    }
  }

  /** Whether the file written to is still the log (renamed over or removed, it has no link left). */
  private appendOnce(path: string, lines: string): boolean {
    const fd = openForAppend(path);
    try {
      const start = this.checked.has(path) || endsWithNewline(fd) ? '' : '\n';
      const bytes = Buffer.from(start + lines);
      try {
        // A full disk can take part of a line without an error: the rest then fails with the reason.
        for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
      } catch (error) {
        this.checked.delete(path); // the log may end in a torn line now
        throw error;
      }
      this.checked.add(path);
      return fstatSync(fd).nlink > 0;
    } finally {
      closeSync(fd);
    }
  }
}

/** Rewrites never follow each other faster than appends, so a few tries always land. */
const MAX_APPEND_TRIES = 10;


function openForAppend(path: string): number {
  try {
    return openSync(path, 'a+');
  } catch (error) {
    // gc may have removed runs/ itself; the store recreates its directories lazily.
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(dirname(path), { recursive: true });
    return openSync(path, 'a+');
  }
}

function endsWithNewline(fd: number): boolean {
  const size = fstatSync(fd).size;
  if (size === 0) return true;
  const last = Buffer.alloc(1);
  readSync(fd, last, 0, 1, size - 1);
  return last[0] === 0x0a;
}
