// Declared outputs around a stage run: cleared before, observed and committed after, and moved
// aside when the stage fails so nothing partial is ever taken for a valid output.
import { mkdirSync } from 'node:fs';
import { access, cp, mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { CacheWriteError } from '../cache/cache-write-error.js';
import type { ObjectStore } from '../cache/object-store.js';
import type { RunCacheOut } from '../cache/run-cache.js';
import { isErrno } from '../lock/atomic-write.js';
import type { LockedPath, LockedStage } from '../lock/types.js';
import type { OutSpec } from '../pipeline/types.js';
import type { PathHasher } from './path-hasher.js';
import type { ObservedOut } from './staleness.js';
import { failedOutputsDir, replacedOutputsDir } from './stage-logs.js';

export async function observeOuts(outs: readonly OutSpec[], hasher: PathHasher): Promise<ObservedOut[]> {
  return Promise.all(
    outs.map(async (out): Promise<ObservedOut> => {
      const state = await hasher.hashPath(out.path);
      if (state.kind === 'missing' || state.kind === 'invalid') return { path: out.path, missing: true };
      return { path: out.path, hash: state.hash, size: state.size, nfiles: state.nfiles };
    }),
  );
}

/**
 * Moves to .dagmake/replaced/<stage>/ every existing out whose content dagmake could not bring
 * back (made by hand or by another tool, or edited since): running or restoring the stage would
 * otherwise delete it. Content the cache holds, or that the lock records as this stage's output,
 * is left to be replaced. Returns the paths moved.
 */
export async function setAsideUnknownOuts(
  root: string,
  stage: string,
  outs: readonly OutSpec[],
  observed: readonly ObservedOut[],
  locked: LockedStage | undefined,
  store: ObjectStore,
): Promise<{ path: string; movedTo: string }[]> {
  const recorded = new Map((locked?.outs ?? []).map((o) => [o.path, o.hash]));
  const persistent = new Set(outs.filter((o) => o.persist).map((o) => o.path));
  const moved: { path: string; movedTo: string }[] = [];
  for (const out of observed) {
    if ('missing' in out || persistent.has(out.path) || recorded.get(out.path) === out.hash || store.hasSync(out.hash)) continue;
    const destination = await freePath(path.join(replacedOutputsDir(root, stage), out.path));
    const attempt = `move out "${out.path}" aside to ${path.relative(root, destination)}`;
    await onOut(out.path, attempt, 'dagmake moves aside an out it has no record of before its stage runs', true, async () => {
      await mkdir(path.dirname(destination), { recursive: true });
      await moveAcross(path.join(root, out.path), destination);
    });
    moved.push({ path: out.path, movedTo: path.relative(root, destination) });
  }
  return moved;
}

/** `target`, or `target.1`, `target.2`, …: whatever was set aside earlier is never overwritten. */
async function freePath(target: string): Promise<string> {
  for (let n = 0; ; n++) {
    const candidate = n === 0 ? target : `${target}.${n}`;
    try {
      await access(candidate);
    } catch {
      return candidate;
    }
  }
}

/**
 * A step on an out that the file system may refuse (a read-only directory, a full disk): the
 * refusal fails the stage saying which out, what was tried and what to do, not as a bare errno.
 */
async function onOut<T>(out: string, attempt: string, why: string, moves: boolean, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    const hint = refusalHint(error, out, why, moves);
    if (hint === undefined) throw error;
    const reason = (error as Error).message.split(',')[0];
    throw new Error(`cannot ${attempt} (${reason}); hint: ${hint}`, { cause: error });
  }
}

function refusalHint(error: unknown, out: string, why: string, moves: boolean): string | undefined {
  const parent = path.posix.dirname(out);
  const where = parent === '.' ? 'the project directory' : `the directory "${parent}"`;
  const places = moves ? `${where} and .dagmake/` : where;
  if (isErrno(error, 'EACCES', 'EPERM', 'EROFS')) {
    return `${why}, so ${places} must be writable: make ${moves ? 'them' : 'it'} writable, or declare the out in a writable place`;
  }
  if (isErrno(error, 'ENOTDIR', 'EEXIST')) {
    const suspects = [...(parent === '.' ? [] : [`"${parent}" or above`]), ...(moves ? ['under .dagmake/'] : [])];
    return `a file stands where a directory is needed (${suspects.join(', or ')}): move it away, or declare the out elsewhere`;
  }
  if (isErrno(error, 'ENOSPC', 'EDQUOT')) return 'the disk is full: free some space and run again';
  if (isErrno(error, 'EBUSY', 'EISDIR', 'ENOTEMPTY')) return `${why}; make sure nothing else holds or recreates it`;
  return undefined;
}

async function moveAcross(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (error) {
    if (!isErrno(error, 'EXDEV')) throw error;
    await cp(from, to, { recursive: true, preserveTimestamps: true });
    await rm(from, { recursive: true, force: true });
  }
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
      if (!out.persist && !missing.has(out.path)) {
        await onOut(out.path, `remove out "${out.path}" before its stage runs`, 'dagmake removes an out before its stage runs', false, () =>
          rm(target, { recursive: true, force: true }),
        );
      }
      const parent = path.dirname(target);
      if (!ensuredDirs.has(parent)) {
        const attempt = `create the directory of out "${out.path}"`;
        await onOut(out.path, attempt, 'its stage writes the out there', false, async () => mkdirSync(parent, { recursive: true }));
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
    const attempt = `move out "${out.path}" to ${path.relative(root, destination)}`;
    const produced = await onOut(out.path, attempt, 'dagmake moves aside what a failed stage left', true, async () => {
      await mkdir(path.dirname(destination), { recursive: true });
      try {
        await moveAcross(path.join(root, out.path), destination);
        return true;
      } catch (error) {
        if (!isErrno(error, 'ENOENT')) throw error;
        return false; // not produced: nothing to move
      }
    });
    if (produced) moved.push(out.path);
  }
  return moved;
}

/** Stores the outs in the cache and returns their records for the lock and the run cache. */
export async function commitOuts(
  root: string,
  outs: readonly OutSpec[],
  hasher: PathHasher,
  store: ObjectStore,
): Promise<
  | { ok: true; locked: LockedPath[]; cached: RunCacheOut[]; allCached: boolean }
  | { ok: false; missing: string[]; unusable: string[]; uncached?: { message: string; hint: string } }
> {
  const locked: LockedPath[] = [];
  const cached: RunCacheOut[] = [];
  const missing: string[] = [];
  /** Outs that exist but cannot be hashed (a dangling link, a FIFO), with why. */
  const unusable: string[] = [];
  /** Why the cache refused an out, and what to do; the other outs are not tried after that. */
  let uncached: { message: string; hint: string } | undefined;
  let allCached = true;
  for (const out of outs) {
    // A small out is stored from the very bytes that were hashed: read once, and an object can
    // never hold other content than its name says, even if something still writes the file.
    const state = await hasher.hashPath(out.path, { keepContent: out.cache });
    if (state.kind === 'missing') {
      missing.push(out.path);
      continue;
    }
    if (state.kind === 'invalid') {
      unusable.push(`"${out.path}": ${state.message}`);
      continue;
    }
    if (out.directory && state.kind === 'file') {
      unusable.push(`"${out.path}": it is a file, but the pipeline declares a directory there ("${out.path}/")`);
      continue;
    }
    const isexec = state.kind === 'file' && state.executable === true ? ({ isexec: true } as const) : {};
    locked.push({ path: out.path, hash: state.hash, size: state.size, nfiles: state.nfiles, ...isexec });
    if (!out.cache) {
      allCached = false;
      continue;
    }
    if (uncached !== undefined) continue;
    const absolute = path.join(root, out.path);
    try {
      if (state.kind === 'file') await store.addFile(absolute, state.hash, state.size, state.content);
      else await store.addTree(absolute, state.digest);
    } catch (error) {
      if (!(error instanceof CacheWriteError)) throw error;
      uncached = { message: `out "${out.path}" could not be stored in the cache: ${error.message}`, hint: error.hint };
      continue;
    }
    cached.push({ path: out.path, kind: state.kind, hash: state.hash, size: state.size, nfiles: state.nfiles, ...isexec });
  }
  if (missing.length > 0 || unusable.length > 0 || uncached !== undefined) return { ok: false, missing, unusable, ...(uncached !== undefined && { uncached }) };
  return { ok: true, locked, cached, allCached };
}
