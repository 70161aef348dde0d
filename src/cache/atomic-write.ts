import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CacheLayout } from './cache-layout.js';

/**
 * Writes through the cache's tmp/ and renames into place, so readers never see a partial file.
 * Synchronous on purpose: these are small JSON entries, one per stage, and blocking for a few
 * microseconds is far cheaper than three thread-pool round trips per entry.
 */
export function writeFileAtomic(layout: CacheLayout, dest: string, data: string | Uint8Array): void {
  const temp = layout.tempPath('.write');
  try {
    writeFileSync(temp, data);
    try {
      renameSync(temp, dest);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(dirname(dest), { recursive: true });
      renameSync(temp, dest);
    }
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}
