import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pidOfTempName } from './cache-layout.js';
import { isProcessAlive } from './process-alive.js';

const STALE_AFTER_MS = 60_000;

/** Removes leftovers of interrupted writes: files older than a minute or from dead processes. */
export async function sweepTempDir(tmpDir: string, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(tmpDir).catch(() => [] as string[])) {
    const path = join(tmpDir, name);
    const info = await stat(path).catch(() => undefined);
    if (!info) continue;
    const pid = pidOfTempName(name);
    const ownerDead = pid !== undefined && pid !== process.pid && !isProcessAlive(pid);
    if (ownerDead || now - info.mtimeMs > STALE_AFTER_MS) {
      await rm(path, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}
