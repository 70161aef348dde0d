// An up-to-date stage whose out objects are gone from the cache (cache/ deleted, objects evicted)
// stores its outs again, so that an out deleted later is restored instead of rerun. Costs one stat
// per cached out when the objects are there, which is every no-op run.
import path from 'node:path';
import type { LockedPath, LockedStage } from '../lock/types.js';
import type { StageDef } from '../pipeline/types.js';
import type { EngineContext } from './engine-context.js';
import { asCacheOut, recordedKind } from './recorded-outs.js';
import { restorable } from './run-cache-rules.js';


/**
 * Stores every cached out whose recorded object is missing, provided the workspace out still
 * hashes to what the lock records. With `runCacheKey` (not for frozen stages, which have no
 * fingerprint) a run-cache entry is written too once all outs are back, as a run would have.
 * A failure to store is a warning, never a failed up-to-date stage.
 */
export async function refillCache(
  stage: StageDef,
  locked: LockedStage,
  context: EngineContext,
  runCacheKey?: () => string,
): Promise<void> {
  const recorded = new Map(locked.outs.map((o) => [o.path, o]));
  const lost: LockedPath[] = [];
  for (const out of stage.outs) {
    const record = recorded.get(out.path);
    if (!out.cache || record === undefined) continue;
    // A tree's member files are not looked at: that would read the tree on every no-op run.
    if (!context.store.hasSync(record.hash, recordedKind(record) === 'file' ? record.size : undefined)) lost.push(record);
  }
  if (lost.length === 0) return;

  let stored = 0;
  for (const record of lost) {
    try {
      if (await storeIfUnchanged(record, context)) stored++;
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      context.emit({ type: 'warning', time: Date.now(), stage: stage.name, message: `could not store out "${record.path}" in the cache again (${why})` });
    }
  }
  if (runCacheKey !== undefined && stored === lost.length && restorable(stage)) {
    const outs = stage.outs.map((o) => recorded.get(o.path));
    if (outs.every((o): o is LockedPath => o !== undefined)) {
      const durationMs = context.durations.get(stage.name) ?? 0;
      await context.runCache.put(runCacheKey(), { outs: outs.map(asCacheOut), durationMs, createdAt: Date.now(), runId: context.runId }).catch(() => undefined);
    }
  }
}

/** Stores the workspace out when it is still what the lock records; says whether it did. */
async function storeIfUnchanged(record: LockedPath, context: EngineContext): Promise<boolean> {
  const state = await context.hasher.hashPath(record.path);
  if ((state.kind !== 'file' && state.kind !== 'dir') || state.hash !== record.hash || state.kind !== recordedKind(record)) return false;
  const absolute = path.join(context.root, record.path);
  if (state.kind === 'file') await context.store.addFile(absolute, state.hash, state.size);
  else await context.store.addTree(absolute, state.digest);
  return true;
}
