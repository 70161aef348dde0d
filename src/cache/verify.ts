// Re-hashes every object; corrupt ones are evicted together with the run-cache and memo entries
// that reference them, so nothing restores from them again. Then checks that every out the locks
// record is still in the store: an empty store holds nothing corrupt, yet restores nothing.
import { rm } from 'node:fs/promises';
import { hashFile } from './hash-file.js';
import { mapLimit } from './map-limit.js';
import { listMemoEntries } from './memo.js';
import { listObjects } from './object-listing.js';
import type { ObjectStore } from './object-store.js';
import { addReachable, distinctOuts, type LockedOutRef, missingOuts, type MissingOut } from './references.js';
import { RunCache } from './run-cache.js';

export interface VerifyReport {
  readonly checked: number;
  /** Hashes of the objects whose content did not match their name (now evicted). */
  readonly corrupt: string[];
  readonly removedRunEntries: number;
  readonly removedMemoEntries: number;
  /** How many (distinct) outs of the `lockedOuts` option were looked for. */
  readonly checkedOuts: number;
  /** Those whose objects are not (or, once corrupt ones are evicted, no longer) stored. */
  readonly missing: MissingOut[];
}

export interface VerifyOptions {
  readonly parallelism?: number;
  /** The outs the project's locks record (cached ones), to check that the store still holds them. */
  readonly lockedOuts?: readonly LockedOutRef[];
}

interface ReferencingEntry {
  /** The run-cache key, or the memo entry's file. */
  readonly id: string;
  readonly kind: 'run' | 'memo';
  readonly refs: Set<string>;
}

export async function verify(store: ObjectStore, options: VerifyOptions = {}): Promise<VerifyReport> {
  const objects = await listObjects(store.layout.objectsDir);
  // Trees are read before eviction so entries pointing at a corrupt tree member can still be found.
  const entries = await referencingEntries(store);

  const corrupt: string[] = [];
  // Removed since it was listed (gc in this project or one sharing the cache): nothing to check.
  const gone = new Set<string>();
  await mapLimit(objects, options.parallelism ?? 2, async (object) => {
    const actual = await hashFile(object.path).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') gone.add(object.hash);
      return undefined;
    });
    if (!gone.has(object.hash) && actual?.hash !== object.hash) corrupt.push(object.hash);
  });
  for (const hash of corrupt) await store.evict(hash);

  const bad = new Set(corrupt);
  const dropped = entries.filter((entry) => [...entry.refs].some((hash) => bad.has(hash)));
  const droppedRuns = new Set(dropped.filter((entry) => entry.kind === 'run').map((entry) => entry.id));
  // A removal rewrites whole logs (safely while runs append): left alone unless an entry must go.
  if (droppedRuns.size > 0) await new RunCache(store).remove(droppedRuns);
  for (const entry of dropped.filter((entry) => entry.kind === 'memo')) await rm(entry.id, { force: true });
  const present = new Set(objects.map((object) => object.hash).filter((hash) => !bad.has(hash) && !gone.has(hash)));
  return {
    checked: objects.length - gone.size,
    corrupt: corrupt.sort(),
    removedRunEntries: dropped.filter((entry) => entry.kind === 'run').length,
    removedMemoEntries: dropped.filter((entry) => entry.kind === 'memo').length,
    checkedOuts: distinctOuts(options.lockedOuts ?? []).length,
    missing: await missingOuts(store, options.lockedOuts ?? [], present),
  };
}

async function referencingEntries(store: ObjectStore): Promise<ReferencingEntry[]> {
  const found: ReferencingEntry[] = [];
  for (const record of await new RunCache(store).list()) {
    const refs = new Set<string>();
    for (const out of record.entry?.outs ?? []) await addReachable(store, out.hash, out.kind, refs);
    found.push({ id: record.key, kind: 'run', refs });
  }
  for (const file of await listMemoEntries(store)) {
    const refs = new Set<string>();
    if (file.entry) await addReachable(store, file.entry.tree, 'dir', refs);
    found.push({ id: file.path, kind: 'memo', refs });
  }
  return found;
}
