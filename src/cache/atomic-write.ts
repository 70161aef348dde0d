import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { CacheLayout } from './cache-layout.js';

/** Writes through the cache's tmp/ and renames into place, so readers never see a partial file. */
export async function writeFileAtomic(layout: CacheLayout, dest: string, data: string | Uint8Array): Promise<void> {
  const temp = layout.tempPath('.write');
  try {
    await writeFile(temp, data);
    await mkdir(dirname(dest), { recursive: true });
    await rename(temp, dest);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
