// Append-only record of finished stages: one fsynced line per stage, so a stage that finished
// survives a kill -9 of the engine, and recording costs O(1) instead of a lock rewrite.
import { writeSync } from 'node:fs';
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import { fsyncDir, isErrno } from './atomic-write.js';
import { readLock, writeLock, normalizeStage } from './lock-file.js';
import { journalFileFor } from './lock-location.js';
import type { LockFile, LockedStage } from './types.js';
import { LOCK_FILE_NAME } from './types.js';

export interface JournalEntry {
  readonly stage: string;
  /** The stage's new lock entry; null removes it from the lock. */
  readonly locked: LockedStage | null;
}

export const STATE_DIR = '.dagmake';

/** Each lock has its own journal (`lockFile` names the lock in the project root). */
export function journalPath(root: string, lockFile = LOCK_FILE_NAME): string {
  return path.join(root, STATE_DIR, journalFileFor(lockFile));
}

function journalLine(entry: JournalEntry): string {
  return `${JSON.stringify({ stage: entry.stage, locked: entry.locked === null ? null : normalizeStage(entry.locked) })}\n`;
}

/**
 * Keeps the journal open for a run. Appends that arrive while a write is in flight are written
 * and fsynced together (group commit): each still resolves only once its line is durable, but a
 * build of many short stages pays one fsync per batch instead of one per stage.
 */
export class JournalWriter {
  private handle: FileHandle | undefined;
  private pending: { line: string; resolve: () => void; reject: (error: unknown) => void }[] = [];
  private flushing: Promise<void> | undefined;

  constructor(
    private readonly root: string,
    private readonly lockFile = LOCK_FILE_NAME,
  ) {}

  /** Whether anything was appended: only then can a journal file exist. */
  get opened(): boolean {
    return this.handle !== undefined || this.flushing !== undefined || this.pending.length > 0;
  }

  append(entry: JournalEntry): Promise<void> {
    const line = journalLine(entry);
    return new Promise((resolve, reject) => {
      this.pending.push({ line, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      try {
        this.handle ??= await openJournal(journalPath(this.root, this.lockFile));
        // Into the page cache: microseconds, cheaper than a thread-pool round trip. The fdatasync
        // that makes the lines durable is the part worth waiting for off the main thread.
        writeSync(this.handle.fd, batch.map((b) => b.line).join(''));
        await this.handle.datasync();
        for (const b of batch) b.resolve();
      } catch (error) {
        for (const b of batch) b.reject(error);
      }
    }
    this.flushing = undefined;
  }

  async close(): Promise<void> {
    while (this.flushing !== undefined) await this.flushing;
    await this.handle?.close();
    this.handle = undefined;
  }
}

async function openJournal(file: string): Promise<FileHandle> {
  await mkdir(path.dirname(file), { recursive: true });
  try {
    const handle = await open(file, 'ax');
    // A new directory entry must be durable too, or the fsynced lines could vanish with it.
    await fsyncDir(path.dirname(file));
    return handle;
  } catch (error) {
    if (!isErrno(error, 'EEXIST')) throw error;
  }
  const handle = await open(file, 'a+');
  await dropPartialLastLine(handle);
  return handle;
}

/** A line cut short by a crash would otherwise end up in the middle of the journal, unreadable. */
async function dropPartialLastLine(handle: FileHandle): Promise<void> {
  const { size } = await handle.stat();
  if (size === 0) return;
  const tailSize = Math.min(size, 1 << 20);
  const tail = Buffer.alloc(tailSize);
  await handle.read(tail, 0, tailSize, size - tailSize);
  if (tail[tailSize - 1] === 0x0a) return;
  const lastNewline = tail.lastIndexOf(0x0a);
  // A journal line is far shorter than the tail read, so no newline in it means no whole line at all.
  await handle.truncate(lastNewline === -1 ? 0 : size - tailSize + lastNewline + 1);
  await handle.sync();
}

/** Appends one entry and fsyncs it. For many entries, a JournalWriter avoids reopening the file. */
export async function appendJournal(root: string, entry: JournalEntry, lockFile = LOCK_FILE_NAME): Promise<void> {
  const writer = new JournalWriter(root, lockFile);
  try {
    await writer.append(entry);
  } finally {
    await writer.close();
  }
}

/**
 * Entries in order. A last line that does not parse is a write cut short by a crash and is
 * ignored; a bad line anywhere else is corruption and is reported.
 */
export async function readJournal(root: string, lockFile = LOCK_FILE_NAME): Promise<Result<JournalEntry[], Diagnostic[]>> {
  return (await readJournalIfPresent(root, lockFile)) ?? ok([]);
}

/** As readJournal; undefined when there is no journal file at all. */
async function readJournalIfPresent(root: string, lockFile: string): Promise<Result<JournalEntry[], Diagnostic[]> | undefined> {
  let text: string;
  try {
    text = await readFile(journalPath(root, lockFile), 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return undefined;
    throw error;
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  // The schema library is loaded only when there is a journal to read (after a crash).
  const { journalEntrySchema } = await import('./lock-schema.js');
  const parseJournalLine = (line: string): JournalEntry | undefined => {
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch {
      return undefined;
    }
    const parsed = journalEntrySchema.safeParse(data);
    return parsed.success ? (parsed.data as JournalEntry) : undefined;
  };
  const entries: JournalEntry[] = [];
  const problems: Diagnostic[] = [];
  const shown = `${STATE_DIR}/${journalFileFor(lockFile)}`;
  lines.forEach((line, index) => {
    const entry = parseJournalLine(line);
    if (entry) entries.push(entry);
    else if (index < lines.length - 1) {
      problems.push({
        message: 'corrupt entry in the lock journal',
        location: { file: shown, line: index + 1, col: 1 },
        hint: `delete ${shown} (stages it recorded will run again)`,
      });
    }
  });
  return problems.length > 0 ? fail(problems) : ok(entries);
}

/** Entries are whole stage states, so applying them again to their own result changes nothing. */
export function applyJournal(lock: LockFile, entries: readonly JournalEntry[]): LockFile {
  const stages: Record<string, LockedStage> = { ...lock.stages };
  for (const entry of entries) {
    if (entry.locked === null) delete stages[entry.stage];
    else stages[entry.stage] = entry.locked;
  }
  return { schema: lock.schema, stages };
}

/**
 * Lock + journal → new lock, written atomically, then the journal is removed. Safe to kill at any
 * point: until the journal is gone, folding again reaches the same lock.
 */
export async function foldJournal(root: string, lockFile = LOCK_FILE_NAME): Promise<Result<LockFile, Diagnostic[]>> {
  const lock = await readLock(root, lockFile);
  if (!lock.ok) return lock;
  const entries = await readJournalIfPresent(root, lockFile);
  if (entries === undefined) return lock;
  if (!entries.ok) return entries;
  const folded = applyJournal(lock.value, entries.value);
  await replaceJournalWithLock(root, folded, lockFile);
  return ok(folded);
}

/** Writes `lock` (the lock with every journal entry applied) atomically, then removes the journal. */
export async function replaceJournalWithLock(root: string, lock: LockFile, lockFile = LOCK_FILE_NAME): Promise<void> {
  const file = journalPath(root, lockFile);
  await writeLock(root, lock, lockFile);
  await rm(file, { force: true });
  await fsyncDir(path.dirname(file));
}
