// Declared outputs around a stage run: cleared before, observed and committed after, and moved
// aside when the stage fails so nothing partial is ever taken for a valid output.
import { mkdirSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectStore } from '../cache/object-store.js';
import type { RunCacheOut } from '../cache/run-cache.js';
import type { LockedPath } from '../lock/types.js';
import type { OutSpec } from '../pipeline/types.js';
import type { PathHasher } from './path-hasher.js';
import type { ObservedOut } from './staleness.js';
import { failedOutputsDir } from './stage-logs.js';

export async function observeOuts(outs: readonly OutSpec[], hasher: PathHasher): Promise<ObservedOut[]> {
  return Promise.all(
    outs.map(async (out): Promise<ObservedOut> => {
      const state = await hasher.hashPath(out.path);
      if (state.kind === 'missing' || state.kind === 'invalid') return { path: out.path, missing: true };
      return { path: out.path, hash: state.hash, size: state.size, nfiles: state.nfiles };
    }),
  );
}

/** Removes the outs (unless persistent) and creates their parent directories. */
export async function clearOuts(
  root: string,
  outs: readonly OutSpec[],
  observed: readonly ObservedOut[],
  ensuredDirs: Set<string>,
): Promise<void> {
  const missing = new Set(observed.filter((o) => 'missing' in o).map((o) => o.path));
  await Promise.all(
    outs.map(async (out) => {
      const target = path.join(root, out.path);
      if (!out.persist && !missing.has(out.path)) await rm(target, { recursive: true, force: true });
      const parent = path.dirname(target);
      if (!ensuredDirs.has(parent)) {
        mkdirSync(parent, { recursive: true });
        ensuredDirs.add(parent);
      }
    }),
  );
}

/** Moves whatever a failed stage left in its outs to .dagmake/failed/<stage>/; returns what moved. */
export async function quarantineOuts(root: string, stage: string, outs: readonly OutSpec[]): Promise<string[]> {
  const moved: string[] = [];
  const target = failedOutputsDir(root, stage);
  await rm(target, { recursive: true, force: true });
  for (const out of outs) {
    if (out.persist) continue;
    const destination = path.join(target, out.path);
    await mkdir(path.dirname(destination), { recursive: true });
    try {
      await rename(path.join(root, out.path), destination);
      moved.push(out.path);
    } catch {
      // Not produced: nothing to move.
    }
  }
  return moved;
}

/** Stores the outs in the cache and returns their records for the lock and the run cache. */
export async function commitOuts(
  root: string,
  outs: readonly OutSpec[],
  hasher: PathHasher,
  store: ObjectStore,
): Promise<{ ok: true; locked: LockedPath[]; cached: RunCacheOut[]; allCached: boolean } | { ok: false; missing: string[] }> {
  const locked: LockedPath[] = [];
  const cached: RunCacheOut[] = [];
  const missing: string[] = [];
  let allCached = true;
  for (const out of outs) {
    const state = await hasher.hashPath(out.path);
    if (state.kind === 'missing' || state.kind === 'invalid') {
      missing.push(out.path);
      continue;
    }
    locked.push({ path: out.path, hash: state.hash, size: state.size, nfiles: state.nfiles });
    if (!out.cache) {
      allCached = false;
      continue;
    }
    const absolute = path.join(root, out.path);
    if (state.kind === 'file') await store.addFile(absolute, state.hash, state.size);
    else await store.addTree(absolute, state.digest);
    cached.push({ path: out.path, kind: state.kind, hash: state.hash, size: state.size, nfiles: state.nfiles });
  }
  if (missing.length > 0) return { ok: false, missing };
  return { ok: true, locked, cached, allCached };
}
