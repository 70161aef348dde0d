// Content hashes for lineage and memo keys: a digest over relative paths and file contents.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * SHA-256 over every file under `paths` (files or directories, relative to `root`), in sorted
 * path order. Missing paths are skipped unless `required`.
 */
export async function hashPaths(root: string, paths: readonly string[], options: { required?: boolean } = {}): Promise<string> {
  const files: string[] = [];
  for (const path of paths) {
    const absolute = join(root, path);
    const info = await stat(absolute).catch(() => undefined);
    if (info === undefined) {
      if (options.required) throw new Error(`${path}: not found (needed for the content hash)`);
      continue;
    }
    if (info.isDirectory()) {
      const entries = await readdir(absolute, { recursive: true, withFileTypes: true });
      for (const entry of entries) if (entry.isFile()) files.push(join(entry.parentPath, entry.name));
    } else {
      files.push(absolute);
    }
  }
  const hash = createHash('sha256');
  for (const file of [...new Set(files)].sort()) {
    hash.update(relative(root, file).split('\\').join('/')).update('\0');
    hash.update(await readFile(file)).update('\0');
  }
  return hash.digest('hex');
}
