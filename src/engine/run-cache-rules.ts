// When a stage may be restored from the run cache: shared by the run and by its prediction
// (`run --dry`), which must never disagree.
import type { RunCacheOut } from '../cache/run-cache.js';
import type { StageDef } from '../pipeline/types.js';

/** Only stages whose every out is cached, and none persistent, are restored from the run cache. */
export function restorable(stage: StageDef): boolean {
  return !stage.alwaysChanged && stage.outs.length > 0 && stage.outs.every((o) => o.cache && !o.persist);
}

/**
 * An entry whose outs are not exactly the declared outs is not restored: the stage runs. That
 * includes a file recorded for an out now declared as a directory (`d/`), which the definition
 * hash does not see.
 */
export function matchesDeclaredOuts(entry: { readonly outs: readonly RunCacheOut[] }, stage: StageDef): boolean {
  const declared = new Set(stage.outs.map((o) => o.path));
  const directories = new Set(stage.outs.filter((o) => o.directory).map((o) => o.path));
  return entry.outs.length === declared.size && entry.outs.every((o) => declared.has(o.path) && !(directories.has(o.path) && o.kind !== 'dir'));
}
