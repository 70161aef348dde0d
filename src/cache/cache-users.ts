// The projects that use a cache. A cache may be shared ($DAGMAKE_CACHE_DIR, or `cache/` linked to
// one directory from several projects): gc in one of them must keep what the others' locks
// record, and must not run while they run. Each project is one small file named after its path,
// written once, so projects starting at the same time never overwrite each other's record.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../lock/atomic-write.js';

const usersDir = (cacheDir: string): string => path.join(cacheDir, 'projects');
const userFile = (cacheDir: string, root: string): string =>
  path.join(usersDir(cacheDir), createHash('sha256').update(path.resolve(root)).digest('hex').slice(0, 32));

/** Records that the project at `root` uses the cache; one stat when it is already recorded. */
export async function noteCacheUser(cacheDir: string, root: string): Promise<void> {
  const file = userFile(cacheDir, root);
  if (existsSync(file)) return;
  await mkdir(usersDir(cacheDir), { recursive: true });
  await writeFileAtomic(file, `${path.resolve(root)}\n`);
}

/** The roots of every project recorded as using the cache. */
export async function cacheUsers(cacheDir: string): Promise<string[]> {
  const names = await readdir(usersDir(cacheDir)).catch(() => [] as string[]);
  const roots = await Promise.all(names.map((name) => readFile(path.join(usersDir(cacheDir), name), 'utf8').catch(() => '')));
  return roots.map((root) => root.trim()).filter((root) => root !== '');
}

export async function forgetCacheUser(cacheDir: string, root: string): Promise<void> {
  await rm(userFile(cacheDir, root), { force: true });
}
