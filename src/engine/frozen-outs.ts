// A frozen stage never runs, but the outputs its lock entry records are put back from the cache
// when they are missing: that is a checkout of what it made, not a rerun.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { ObjectKind, ObjectStore } from '../cache/object-store.js';
import type { RunCacheOut } from '../cache/run-cache.js';
import type { LockedStage } from '../lock/types.js';

/** The recorded outs of a frozen stage that are missing from the workspace, as cache outs. */
export function missingFrozenOuts(root: string, locked: LockedStage): RunCacheOut[] {
  return locked.outs
    .filter((out) => !existsSync(path.join(root, out.path)))
    .map((out) => {
      const kind: ObjectKind = out.nfiles !== undefined ? 'dir' : 'file';
      return { path: out.path, kind, hash: out.hash, size: out.size, ...(out.nfiles !== undefined && { nfiles: out.nfiles }) };
    });
}

export const NOT_CACHED = 'it is not in the cache';
export const DAMAGED = 'the cached copy is damaged';

export function unrestorableFrozenMessage(stage: string, out: string, why: string): string {
  return `frozen stage ${stage}: out "${out}" is missing and cannot be restored from the cache (${why}); put it back, or set "frozen: false" so that the stage runs again`;
}

/** Restores each out, or says which could not be restored and why. */
export async function restoreFrozenOuts(
  store: ObjectStore,
  root: string,
  stage: string,
  missing: readonly RunCacheOut[],
  verify: boolean,
): Promise<{ ok: true } | { ok: false; message: string }> {
  for (const out of missing) {
    if (!(await store.isComplete(out.hash, out.kind, out.kind === 'file' ? out.size : undefined))) {
      return { ok: false, message: unrestorableFrozenMessage(stage, out.path, NOT_CACHED) };
    }
  }
  for (const out of missing) {
    const destination = path.join(root, out.path);
    await rm(destination, { recursive: true, force: true });
    const restored = await store.restore(out.hash, out.kind, destination, { verify });
    if (!restored.ok) return { ok: false, message: unrestorableFrozenMessage(stage, out.path, verify ? DAMAGED : restored.error.map((d) => d.message).join('; ')) };
  }
  return { ok: true };
}
