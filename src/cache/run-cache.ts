// Remembers which outputs a stage produced for a given key (computed by the engine from the
// stage definition, deps and params), so a stage seen before is restored instead of run.
import { readdirSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { RUN_LOG_SUFFIX } from './cache-layout.js';
import { listEntries, readEntry } from './entry-files.js';
import type { ObjectStore } from './object-store.js';
import { readRunLog, type RunLog, RunLogWriter } from './run-log.js';
import { rewriteRunLog } from './run-log-rewrite.js';
import type { RunCacheEntry } from './run-cache-schema.js';

export type { RunCacheEntry, RunCacheOut } from './run-cache-schema.js';

export interface RunCacheRecord {
  readonly key: string;
  /** Undefined when the stored entry is malformed. */
  readonly entry: RunCacheEntry | undefined;
}

// Loaded only when an entry exists, so a run whose stages are up to date or never seen does not
// load the schema library.
const entrySchema = async () => (await import('./run-cache-schema.js')).runCacheEntrySchema;

/**
 * A log rewrites itself with one line per key once reuses have made it this many times longer
 * (and it has at least COMPACT_MIN_LINES lines): switching between configs appends on every run.
 */
const COMPACT_FACTOR = 4;
const COMPACT_MIN_LINES = 64;

export class RunCache {
  /** Logs read so far, by path; this process's own appends are added as they happen. */
  private readonly logs = new Map<string, { records: Map<string, Record<string, unknown>>; lines: number }>();
  private readonly writer = new RunLogWriter();
  /** The shards that still have a directory of per-entry files from older versions. */
  private oldShards: Set<string> | undefined;

  constructor(private readonly store: ObjectStore) {}

  /** The entry, only when every object it references (and every file of its trees) is present. */
  async get(key: string): Promise<RunCacheEntry | undefined> {
    const entry = await this.read(key);
    if (entry === undefined) return undefined;
    for (const out of entry.outs) {
      if (!(await this.store.isComplete(out.hash, out.kind, out.kind === 'file' ? out.size : undefined))) return undefined;
    }
    return entry;
  }

  async put(key: string, entry: RunCacheEntry): Promise<void> {
    const path = this.store.layout.runLogPath(key);
    this.writer.append(path, key, entry);
    const log = this.logs.get(path);
    if (log === undefined) return;
    log.records.delete(key);
    log.records.set(key, { ...entry });
    log.lines++;
    if (log.lines >= COMPACT_MIN_LINES && log.lines > COMPACT_FACTOR * log.records.size) await this.compact(path);
  }

  /** Best effort: the entry is written already, and a log that stays long only costs reading time. */
  private async compact(path: string): Promise<void> {
    const worthIt = (log: RunLog) => (log.lines > log.records.size ? log.records : undefined);
    await rewriteRunLog(this.store.layout, this.writer, path, worthIt, false).catch(() => false);
    this.logs.delete(path);
  }

  /** Marks an entry as reused by `runId`, so gc counts it among that run's entries. */
  async touch(key: string, runId: string, now = Date.now()): Promise<void> {
    const entry = await this.read(key);
    if (entry !== undefined) await this.put(key, { ...entry, runId, usedAt: now });
  }

  /** Every stored entry, the newest of each key. */
  async list(): Promise<RunCacheRecord[]> {
    const byKey = new Map<string, RunCacheEntry | undefined>();
    for (const file of await listEntries(this.store.layout.runsDir, entrySchema)) byKey.set(file.key, file.entry);
    const schema = await entrySchema();
    for (const path of await this.logPaths()) {
      for (const [key, raw] of readRunLog(path).records) {
        const parsed = schema.safeParse(raw);
        byKey.set(key, parsed.success ? parsed.data : undefined);
      }
    }
    return [...byKey].map(([key, entry]) => ({ key, entry }));
  }

  /**
   * Removes the entries of `keys`. Logs are rewritten with one line per remaining key, so this
   * also drops the lines that later appends superseded.
   */
  async remove(keys: ReadonlySet<string>): Promise<void> {
    for (const key of keys) if (this.hasOldShard(key.slice(0, 2))) await rm(this.store.layout.runEntryPath(key), { force: true });
    const keep = (log: RunLog) => {
      const kept = new Map([...log.records].filter(([key]) => !keys.has(key)));
      return kept.size !== log.lines ? kept : undefined;
    };
    for (const path of await this.logPaths()) {
      await rewriteRunLog(this.store.layout, this.writer, path, keep, true);
      this.logs.delete(path);
    }
  }

  private async read(key: string): Promise<RunCacheEntry | undefined> {
    const raw = this.log(this.store.layout.runLogPath(key)).get(key);
    if (raw !== undefined) {
      const parsed = (await entrySchema()).safeParse(raw);
      return parsed.success ? parsed.data : undefined;
    }
    if (!this.hasOldShard(key.slice(0, 2))) return undefined;
    return readEntry(this.store.layout.runEntryPath(key), entrySchema);
  }

  private log(path: string): Map<string, Record<string, unknown>> {
    let log = this.logs.get(path);
    if (log === undefined) {
      log = { ...readRunLog(path) };
      this.logs.set(path, log);
    }
    return log.records;
  }

  private hasOldShard(shard: string): boolean {
    if (this.oldShards === undefined) {
      let entries: import('node:fs').Dirent[] = [];
      try {
        entries = readdirSync(this.store.layout.runsDir, { withFileTypes: true });
      } catch {
        // no runs/ yet
      }
      this.oldShards = new Set(entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name));
    }
    return this.oldShards.has(shard);
  }

  private async logPaths(): Promise<string[]> {
    const names = await readdir(this.store.layout.runsDir).catch(() => [] as string[]);
    return names.filter((name) => name.endsWith(RUN_LOG_SUFFIX)).sort().map((name) => join(this.store.layout.runsDir, name));
  }
}
