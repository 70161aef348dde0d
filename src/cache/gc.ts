// Removes what nothing needs any more: objects not reachable from the current lock or from the
// run-cache and memo entries of the last N runs, the entries of older runs, and the shard
// directories left empty (by this gc or an earlier one, or by verify). What it reports as kept is
// what the store still holds: a recorded out whose objects are gone is counted as missing instead.
import { rm } from 'node:fs/promises';
import { listMemoEntries } from './memo.js';
import { listObjects } from './object-listing.js';
import type { ObjectStore } from './object-store.js';
import { addReachable, addReachableUnknownKind, type LockedOutRef, missingOuts, type MissingOut } from './references.js';
import { removeEmptyShards } from './remove-empty-shards.js';
import { RunCache } from './run-cache.js';
import { sweepTempDir } from './tmp-sweep.js';

export interface GcOptions {
  /** File and tree hashes referenced by the current lock (trees are expanded). */
  readonly keepHashes: ReadonlySet<string>;
  /** Keep the run-cache and memo entries of this many most recent runs, and what they reference. */
  readonly keepRunsOfLast: number;
  readonly dryRun?: boolean;
  /** The outs the locks record, to report those the store no longer holds. */
  readonly recordedOuts?: readonly LockedOutRef[];
}

export interface GcReport {
  readonly removedObjects: number;
  readonly removedBytes: number;
  /** Run-cache entries removed. */
  readonly removedRunEntries: number;
  readonly removedMemoEntries: number;
  /** Objects left in the store (present ones only). */
  readonly keptObjects: number;
  /** Outs of `recordedOuts` the store cannot give back (a deleted cache/, an evicted object). */
  readonly missingOuts: MissingOut[];
}

interface RunStamped {
  readonly runId: string;
  readonly createdAt: number;
  readonly usedAt?: number;
}

interface Stamped {
  readonly entry: RunStamped | undefined;
}

export async function gc(store: ObjectStore, options: GcOptions): Promise<GcReport> {
  const runCache = new RunCache(store);
  const runEntries = await runCache.list();
  const memoEntries = await listMemoEntries(store);
  const keptRuns = recentRunIds([...runEntries, ...memoEntries], options.keepRunsOfLast);
  const isKept = (file: Stamped): boolean => file.entry !== undefined && keptRuns.has(file.entry.runId);

  const reachable = new Set<string>();
  for (const hash of options.keepHashes) await addReachableUnknownKind(store, hash, reachable);
  for (const file of runEntries.filter(isKept)) {
    for (const out of file.entry!.outs) await addReachable(store, out.hash, out.kind, reachable);
  }
  for (const file of memoEntries.filter(isKept)) await addReachable(store, file.entry!.tree, 'dir', reachable);

  const present = await listObjects(store.layout.objectsDir);
  const garbage = present.filter((object) => !reachable.has(object.hash));
  const presentHashes = new Set(present.map((object) => object.hash));
  const staleRuns = runEntries.filter((file) => !isKept(file));
  const staleMemos = memoEntries.filter((file) => !isKept(file));
  if (!options.dryRun) {
    await runCache.remove(new Set(staleRuns.map((record) => record.key)));
    for (const file of staleMemos) await rm(file.path, { force: true });
    for (const object of garbage) await rm(object.path, { force: true });
    const { objectsDir, runsDir, memoDir } = store.layout;
    await removeEmptyShards([objectsDir, runsDir, memoDir]);
    await sweepTempDir(store.layout.tmpDir);
  }
  return {
    removedObjects: garbage.length,
    removedBytes: garbage.reduce((sum, object) => sum + object.size, 0),
    removedRunEntries: staleRuns.length,
    removedMemoEntries: staleMemos.length,
    keptObjects: present.length - garbage.length,
    missingOuts: await missingOuts(store, options.recordedOuts ?? [], presentHashes),
  };
}

/** The ids of the `count` runs that most recently created or reused an entry. */
function recentRunIds(files: readonly Stamped[], count: number): Set<string> {
  const lastSeen = new Map<string, number>();
  for (const { entry } of files) {
    if (entry === undefined) continue;
    const time = Math.max(entry.createdAt, entry.usedAt ?? 0);
    lastSeen.set(entry.runId, Math.max(lastSeen.get(entry.runId) ?? -Infinity, time));
  }
  const newestFirst = [...lastSeen].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0));
  return new Set(newestFirst.slice(0, Math.max(0, count)).map(([runId]) => runId));
}
