// The project's cache opened for writing, or a diagnostic saying what is in the way: every
// command that writes the cache (run, gc, cache verify) reports an unusable one the same way.
import path from 'node:path';
import { CACHE_DIR_VARIABLE, projectCacheDir } from '../cache/cache-layout.js';
import { asCacheWriteError, CacheWriteError } from '../cache/cache-write-error.js';
import { ObjectStore } from '../cache/object-store.js';
import { type Diagnostic, fail, ok, type Result } from '../errors.js';

/** The project's cache, or why it cannot be used (a file where one of its folders belongs, no write access). */
export async function openStore(root: string): Promise<Result<ObjectStore, Diagnostic[]>> {
  try {
    return ok(await ObjectStore.openForProject(root));
  } catch (error) {
    const refused = asCacheWriteError(error, projectCacheDir(root), projectCacheDir(root));
    if (!(refused instanceof CacheWriteError)) throw error;
    return fail([
      {
        message: `cannot use the cache: ${refused.message}`,
        hint: `${path.relative(root, projectCacheDir(root)) || '.'} and its folders (objects, runs, memo, tmp) must be writable directories: remove what is in the way, or set ${CACHE_DIR_VARIABLE} to a writable directory`,
      },
    ]);
  }
}
