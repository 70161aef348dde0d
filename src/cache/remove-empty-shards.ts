// Shard directories are made on demand, and every writer makes its shard again when it finds it
// gone (ObjectStore.renameIntoShard, writeFileAtomic), so an empty shard can go at any time.
import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

// Another process put something into the shard (or removed it) since it was listed.
const IN_USE_OR_GONE = new Set(['ENOTEMPTY', 'EEXIST', 'ENOENT']);

/** Removes the empty directories directly below each of `parents`; returns how many it removed. */
export async function removeEmptyShards(parents: readonly string[]): Promise<number> {
  let removed = 0;
  for (const parent of parents) {
    for (const entry of await listDir(parent)) {
      if (!entry.isDirectory()) continue;
      try {
        // rmdir, not rm: it removes only a directory that is empty at that instant.
        await rmdir(join(parent, entry.name));
        removed++;
      } catch (error) {
        if (!IN_USE_OR_GONE.has((error as NodeJS.ErrnoException).code ?? '')) throw error;
      }
    }
  }
  return removed;
}

async function listDir(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}
