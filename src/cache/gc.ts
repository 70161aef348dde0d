// Removes what nothing needs any more: objects not reachable from the current lock or from the
// run-cache and memo entries of the last N runs (or of as many recent runs as fit a size limit),
// the entries of older runs, and the shard directories left empty (by this gc or an earlier one,
// or by verify). What it reports as kept is what the store still holds: a recorded out whose
// objects are gone is counted as missing instead.
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
  /**
   * Keep recent runs' entries (at most `keepRunsOfLast`) only while the objects kept in all stay
   * within this many bytes; what the lock references is kept whatever its size.
   */
  readonly maxBytes?: number;
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
  /** Objects left in the store (present ones only), and their bytes. */
  readonly keptObjects: number;
  readonly keptBytes: number;
  /** Runs whose entries were kept. */
  readonly keptRuns: number;
  /** Bytes of the objects the lock references alone. */
  readonly lockBytes: number;
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
  const present = await listObjects(store.layout.objectsDir);
  const sizes = new Map(present.map((object) => [object.hash, object.size]));
  const bytesOf = (hashes: Iterable<string>): number => [...hashes].reduce((sum, hash) => sum + (sizes.get(hash) ?? 0), 0);

  const reachable = new Set<string>();
  for (const hash of options.keepHashes) await addReachableUnknownKind(store, hash, reachable);
  const lockBytes = bytesOf(reachable);
  // Newest runs first: each is kept with everything its entries reference, until the count or
  // the size limit is reached; an older run is never kept in place of a newer one.
  const keptRuns = new Set<string>();
  let keptBytes = lockBytes;
  const runOuts = groupByRun(runEntries.flatMap(({ entry }) => (entry ? entry.outs.map((out) => ({ runId: entry.runId, hash: out.hash, kind: out.kind })) : [])));
  const memoTrees = groupByRun(memoEntries.flatMap(({ entry }) => (entry ? [{ runId: entry.runId, hash: entry.tree, kind: 'dir' as const }] : [])));
  for (const runId of runsNewestFirst([...runEntries, ...memoEntries]).slice(0, Math.max(0, options.keepRunsOfLast))) {
    const needed = new Set<string>();
    for (const ref of [...(runOuts.get(runId) ?? []), ...(memoTrees.get(runId) ?? [])]) await addReachable(store, ref.hash, ref.kind, needed);
    const added = [...needed].filter((hash) => !reachable.has(hash));
    const addedBytes = bytesOf(added);
    if (options.maxBytes !== undefined && keptBytes + addedBytes > options.maxBytes) break;
    for (const hash of added) reachable.add(hash);
    keptBytes += addedBytes;
    keptRuns.add(runId);
  }
  const isKept = (file: Stamped): boolean => file.entry !== undefined && keptRuns.has(file.entry.runId);

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
    keptBytes,
    keptRuns: keptRuns.size,
    lockBytes,
    missingOuts: await missingOuts(store, options.recordedOuts ?? [], presentHashes),
  };
}

interface RunRef {
  readonly runId: string;
  readonly hash: string;
  readonly kind: 'file' | 'dir';
}

function groupByRun(refs: readonly RunRef[]): Map<string, RunRef[]> {
  const byRun = new Map<string, RunRef[]>();
  for (const ref of refs) {
    const list = byRun.get(ref.runId);
    if (list === undefined) byRun.set(ref.runId, [ref]);
    else list.push(ref);
  }
  return byRun;
}

/** Run ids by the time they last created or reused an entry, the most recent first. */
function runsNewestFirst(files: readonly Stamped[]): string[] {
  const lastSeen = new Map<string, number>();
  for (const { entry } of files) {
    if (entry === undefined) continue;
    const time = Math.max(entry.createdAt, entry.usedAt ?? 0);
    lastSeen.set(entry.runId, Math.max(lastSeen.get(entry.runId) ?? -Infinity, time));
  }
  return [...lastSeen].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : a[0] > b[0] ? -1 : 0)).map(([runId]) => runId);
}
