import path from 'node:path';
import type { RunCacheEntry } from '../cache/run-cache.js';
import type { LockedPath } from '../lock/types.js';
import type { StageDef } from '../pipeline/types.js';
import type { EngineContext } from './engine-context.js';
import { matchesDeclaredOuts } from './run-cache-rules.js';

/** Puts a run-cache entry's outputs in place of the stage's outs. */
export async function restoreOuts(
  context: EngineContext,
  entry: RunCacheEntry,
  stage: StageDef,
): Promise<{ ok: true; locked: LockedPath[] } | { ok: false; message: string }> {
  if (!matchesDeclaredOuts(entry, stage)) {
    return { ok: false, message: `run-cache entry for ${stage.name} does not match its declared outs; running it` };
  }
  for (const out of entry.outs) {
    const destination = path.join(context.root, out.path);
    const restored = await context.store.restore(out.hash, out.kind, destination, { verify: context.options.verify, executable: out.isexec === true });
    if (!restored.ok) {
      return {
        ok: false,
        message: `could not restore ${out.path} from the cache (${restored.error.map((d) => d.message).join('; ')}); running the stage instead`,
      };
    }
  }
  return {
    ok: true,
    locked: entry.outs.map((o) => ({ path: o.path, hash: o.hash, size: o.size, nfiles: o.nfiles, ...(o.isexec === true && { isexec: true }) })),
  };
}
