// Remembers which outputs a stage produced for a given key (computed by the engine from the
// stage definition, deps and params), so a stage seen before is restored instead of run.
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.js';
import { listEntries, readEntry, type EntryFile } from './entry-files.js';
import type { ObjectStore } from './object-store.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

const runCacheOutSchema = z.object({
  path: z.string(),
  kind: z.enum(['file', 'dir']),
  hash: sha256,
  size: z.number().int().nonnegative(),
  nfiles: z.number().int().nonnegative().optional(),
});

export const runCacheEntrySchema = z.object({
  outs: z.array(runCacheOutSchema),
  durationMs: z.number().nonnegative(),
  /** Epoch milliseconds. */
  createdAt: z.number(),
  runId: z.string(),
  /** Epoch milliseconds of the last run that reused the entry. */
  usedAt: z.number().optional(),
});

export type RunCacheOut = z.infer<typeof runCacheOutSchema>;
export type RunCacheEntry = z.infer<typeof runCacheEntrySchema>;

export class RunCache {
  constructor(private readonly store: ObjectStore) {}

  /** The entry, only when every object it references (and every file of its trees) is present. */
  async get(key: string): Promise<RunCacheEntry | undefined> {
    const entry = await readEntry(this.store.layout.runEntryPath(key), runCacheEntrySchema);
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
    const entry = await readEntry(this.store.layout.runEntryPath(key), runCacheEntrySchema);
    if (entry !== undefined) await this.put(key, { ...entry, runId, usedAt: now });
  }

  list(): Promise<EntryFile<RunCacheEntry>[]> {
    return listEntries(this.store.layout.runsDir, runCacheEntrySchema);
  }
}
