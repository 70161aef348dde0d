import { isDeepStrictEqual } from 'node:util';
import type { PathType, StaleReason } from '../events.js';
import type { LockedPath, LockedStage } from '../lock/types.js';
import type { StageDef } from '../pipeline/types.js';
import type { StageFingerprint } from './fingerprint.js';

/** Observed outs: the recorded shape, or missing. */
export type ObservedOut = LockedPath | { readonly path: string; readonly missing: true };

/** The lock records `nfiles` for directories only. */
export const pathType = (recorded: Pick<LockedPath, 'nfiles'>): PathType => (recorded.nfiles === undefined ? 'file' : 'directory');

/**
 * Every reason the stage is stale, cheapest first; empty when it is up to date. A stage is never
 * stale merely because an upstream stage reran: only its own dep hashes count. Hashes alone do not
 * tell a file from a directory (an empty file and an empty directory hash the same), so the type
 * of each dep and out is compared as well.
 */
export function staleReasons(
  stage: StageDef,
  fingerprint: StageFingerprint,
  locked: LockedStage | undefined,
  outs: readonly ObservedOut[],
): StaleReason[] {
  if (!locked) return [{ kind: 'never-run' }];
  const reasons: StaleReason[] = [];
  if (stage.alwaysChanged) reasons.push({ kind: 'always-changed' });
  if (locked.definition !== fingerprint.definition) {
    reasons.push({ kind: 'definition-changed', old: locked.definition, new: fingerprint.definition });
  }
  const lockedDeps = new Map(locked.deps.map((d) => [d.path, d]));
  for (const path of fingerprint.missingDeps) reasons.push({ kind: 'dep-missing', path });
  for (const dep of fingerprint.deps) {
    const before = lockedDeps.get(dep.path);
    if (!before) reasons.push({ kind: 'dep-changed', path: dep.path, new: dep.hash });
    else if (pathType(before) !== pathType(dep)) reasons.push({ kind: 'type-changed', of: 'dep', path: dep.path, expected: pathType(before), found: pathType(dep) });
    else if (before.hash !== dep.hash) reasons.push({ kind: 'dep-changed', path: dep.path, old: before.hash, new: dep.hash });
  }
  const files = new Set([...Object.keys(locked.params), ...Object.keys(fingerprint.params)]);
  for (const file of [...files].sort()) {
    const old = locked.params[file] ?? {};
    const now = fingerprint.params[file] ?? {};
    for (const key of [...new Set([...Object.keys(old), ...Object.keys(now)])].sort()) {
      if (!isDeepStrictEqual(old[key], now[key])) {
        reasons.push({ kind: 'param-changed', file, key, old: old[key] ?? null, new: now[key] ?? null });
      }
    }
  }
  const lockedOuts = new Map(locked.outs.map((o) => [o.path, o]));
  const declaredDirectories = new Set(stage.outs.filter((o) => o.directory).map((o) => o.path));
  for (const out of outs) {
    const before = lockedOuts.get(out.path);
    const expected = declaredDirectories.has(out.path) ? 'directory' : before && pathType(before);
    if ('missing' in out) reasons.push({ kind: 'out-missing', path: out.path });
    else if (expected !== undefined && expected !== pathType(out)) reasons.push({ kind: 'type-changed', of: 'out', path: out.path, expected, found: pathType(out) });
    else if (!before) reasons.push({ kind: 'out-changed', path: out.path, old: 'none', new: out.hash });
    else if (before.hash !== out.hash) reasons.push({ kind: 'out-changed', path: out.path, old: before.hash, new: out.hash });
  }
  return reasons;
}
