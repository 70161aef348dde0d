// Outs as the lock records them, put back from the cache when they are missing from the
// workspace: a checkout of what the stage made, not a rerun. A frozen stage never runs, so this is
// the only way its outs come back; any other stage whose only change is a missing out takes this
// way too when the cache still holds them, also after gc has dropped its run-cache entries.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ObjectKind, ObjectStore } from '../cache/object-store.js';
import type { RunCacheOut } from '../cache/run-cache.js';
import type { StaleReason } from '../events.js';
import type { LockedStage } from '../lock/types.js';
import type { StageDef } from '../pipeline/types.js';
import { matchesDeclaredOuts } from './run-cache-rules.js';

/** The recorded outs that are missing from the workspace, as cache outs. */
export function missingRecordedOuts(root: string, locked: LockedStage): RunCacheOut[] {
  return locked.outs.filter((out) => !existsSync(path.join(root, out.path))).map(asCacheOut);
}

/** The recorded outs its stale reasons name as missing (already observed: no second look on disk). */
export function recordedOutsMissingBy(locked: LockedStage, reasons: readonly StaleReason[]): RunCacheOut[] {
  const missing = new Set(reasons.flatMap((r) => (r.kind === 'out-missing' ? [r.path] : [])));
  return locked.outs.filter((out) => missing.has(out.path)).map(asCacheOut);
}

/** A recorded out is a directory exactly when the lock counts its files. */
export const recordedKind = (out: LockedStage['outs'][number]): ObjectKind => (out.nfiles === undefined ? 'file' : 'dir');

export function asCacheOut(out: LockedStage['outs'][number]): RunCacheOut {
  return {
    path: out.path,
    kind: recordedKind(out),
    hash: out.hash,
    size: out.size,
    ...(out.nfiles !== undefined && { nfiles: out.nfiles }),
    ...(out.isexec === true && { isexec: true }),
  };
}

export const NOT_CACHED = 'it is not in the cache';
export const DAMAGED = 'the cached copy is damaged';

export function unrestorableFrozenMessage(stage: string, out: string, why: string): string {
  return `frozen stage ${stage}: out "${out}" is missing and cannot be restored from the cache (${why}); put it back, or set "frozen: false" so that the stage runs again`;
}

/**
 * Whether the outs the lock records are the stage's outs now: it is stale only because outs are
 * missing (what it reads and does is unchanged), and they are still the outs it declares (an out
 * since declared a directory is not, which its definition hash does not see).
 */
export function recordedOutsStillValid(stage: StageDef, locked: LockedStage | undefined, reasons: readonly StaleReason[]): locked is LockedStage {
  if (locked === undefined || reasons.length === 0 || !reasons.every((r) => r.kind === 'out-missing')) return false;
  return matchesDeclaredOuts({ outs: locked.outs.map(asCacheOut) }, stage);
}

/** Whether the cache holds every one of them, by size (content is checked on restore with verify). */
export async function allCached(store: ObjectStore, outs: readonly RunCacheOut[]): Promise<boolean> {
  for (const out of outs) if (!(await store.isComplete(out.hash, out.kind, out.kind === 'file' ? out.size : undefined))) return false;
  return true;
}

/** Restores each out, or says which could not be restored and why. */
export async function restoreRecordedOuts(
  store: ObjectStore,
  root: string,
  missing: readonly RunCacheOut[],
  verify: boolean,
): Promise<{ ok: true } | { ok: false; out: string; why: string }> {
  for (const out of missing) {
    if (!(await allCached(store, [out]))) return { ok: false, out: out.path, why: NOT_CACHED };
  }
  for (const out of missing) {
    const destination = path.join(root, out.path);
    const restored = await store.restore(out.hash, out.kind, destination, { verify, executable: out.isexec === true });
    if (!restored.ok) return { ok: false, out: out.path, why: verify ? DAMAGED : restored.error.map((d) => d.message).join('; ') };
  }
  return { ok: true };
}
