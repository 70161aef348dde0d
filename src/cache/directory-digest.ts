// Hashes a directory into the shared manifest format. Used when the caller has no digest at hand
// (memo units); the engine normally passes the digest it already computed for the lock.
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { digestManifest, type DirectoryDigest, type ManifestEntry } from '../hash/manifest.js';
import { hashFile } from './hash-file.js';
import { mapLimit } from './map-limit.js';

export async function digestDirectory(absDir: string): Promise<DirectoryDigest> {
  const files = await listFiles(absDir, '');
  const entries = await mapLimit(files, 8, async (relPath): Promise<ManifestEntry> => {
    const absPath = join(absDir, relPath);
    const [{ hash, size }, info] = await Promise.all([hashFile(absPath), stat(absPath)]);
    return { path: relPath, hash, size, executable: (info.mode & 0o111) !== 0 };
  });
  return digestManifest(entries);
}

/** POSIX paths of every file below `absDir` (symlinks followed, empty directories dropped). */
async function listFiles(absDir: string, prefix: string): Promise<string[]> {
  const found: string[] = [];
  for (const dirent of await readdir(join(absDir, prefix), { withFileTypes: true })) {
    const relPath = prefix === '' ? dirent.name : `${prefix}/${dirent.name}`;
    const info = dirent.isSymbolicLink() ? await stat(join(absDir, relPath)) : dirent;
    if (info.isDirectory()) found.push(...(await listFiles(absDir, relPath)));
    else if (info.isFile()) found.push(relPath);
  }
  return found;
}
