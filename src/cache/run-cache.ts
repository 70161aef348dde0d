// Remembers which outputs a stage produced for a given key (computed by the engine from the
// stage definition, deps and params), so a stage seen before is restored instead of run.
import { writeFileAtomic } from './atomic-write.js';
import { listEntries, readEntry, type EntryFile } from './entry-files.js';
import type { ObjectStore } from './object-store.js';
import type { RunCacheEntry } from './run-cache-schema.js';

export type { RunCacheEntry, RunCacheOut } from './run-cache-schema.js';

// Loaded only when an entry file exists, so a run whose stages are up to date or never seen
// does not load the schema library.
const entrySchema = async () => (await import('./run-cache-schema.js')).runCacheEntrySchema;

export class RunCache {
  constructor(private readonly store: ObjectStore) {}

  /** The entry, only when every object it references (and every file of its trees) is present. */
  async get(key: string): Promise<RunCacheEntry | undefined> {
    const entry = await readEntry(this.store.layout.runEntryPath(key), entrySchema);
    if (entry === undefined) return undefined;
    for (const out of entry.outs) {
      if (!(await this.store.isComplete(out.hash, out.kind, out.kind === 'file' ? out.size : undefined))) return undefined;
    }
    return entry;
  }

  async put(key: string, entry: RunCacheEntry): Promise<void> {
    writeFileAtomic(this.store.layout, this.store.layout.runEntryPath(key), `${JSON.stringify(entry, null, 2)}\n`);
  }

  /** Marks an entry as reused by `runId`, so gc counts it among that run's entries. */
  async touch(key: string, runId: string, now = Date.now()): Promise<void> {
    const entry = await readEntry(this.store.layout.runEntryPath(key), entrySchema);
    if (entry !== undefined) await this.put(key, { ...entry, runId, usedAt: now });
  }

  list(): Promise<EntryFile<RunCacheEntry>[]> {
    return listEntries(this.store.layout.runsDir, entrySchema);
  }
}
