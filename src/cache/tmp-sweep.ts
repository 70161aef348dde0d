import { readFileSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { isWorkspaceTempName, pidOfTempName, RESTORE_MARKER_SUFFIX } from './cache-layout.js';
import { isProcessAlive } from './process-alive.js';

const STALE_AFTER_MS = 60_000;

/**
 * Removes leftovers of interrupted writes: files older than a minute or from dead processes, and
 * the workspace temp entries that a dead process's restore markers list.
 */
export async function sweepTempDir(tmpDir: string, now = Date.now()): Promise<number> {
  let removed = 0;
  for (const name of await readdir(tmpDir).catch(() => [] as string[])) {
    const path = join(tmpDir, name);
    const info = await stat(path).catch(() => undefined);
    if (!info) continue;
    const pid = pidOfTempName(name);
    const ownerDead = pid !== undefined && pid !== process.pid && !isProcessAlive(pid);
    if (name.endsWith(RESTORE_MARKER_SUFFIX)) {
      // A marker is written once and never touched again, so its age says nothing: a long
      // restore of a live process must keep its staging directory.
      if (!ownerDead) continue;
      await removeListedTemps(path);
      await rm(path, { force: true });
      removed++;
    } else if (ownerDead || now - info.mtimeMs > STALE_AFTER_MS) {
      await rm(path, { recursive: true, force: true });
      removed++;
    }
  }
  return removed;
}

/** Only names a restore makes are removed, whatever else a damaged marker says. */
async function removeListedTemps(marker: string): Promise<void> {
  let listed: unknown;
  try {
    listed = JSON.parse(readFileSync(marker, 'utf8'));
  } catch {
    return;
  }
  if (!Array.isArray(listed)) return;
  for (const path of listed) {
    if (typeof path === 'string' && isWorkspaceTempName(basename(path))) await rm(path, { recursive: true, force: true });
  }
}
