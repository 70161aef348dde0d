import { Hasher } from '../hash/hasher.js';
import { collectModuleFiles } from '../hash/module-graph.js';
import type { PathHasher, PathState } from './path-hasher.js';

/** The hashing layer for one command: the project's stat cache, saved (and workers stopped) on save(). */
export async function openPathHasher(root: string): Promise<PathHasher> {
  const hasher = await Hasher.open(root);
  return {
    async hashPath(relativePath, options): Promise<PathState> {
      const hashed = await hasher.hashPath(relativePath, options);
      switch (hashed.kind) {
        case 'file':
          return { kind: 'file', hash: hashed.hash, size: hashed.size, executable: hashed.executable, ...(hashed.content !== undefined && { content: hashed.content }) };
        case 'dir':
          return { kind: 'dir', hash: hashed.digest.hash, size: hashed.digest.size, nfiles: hashed.digest.nfiles, digest: hashed.digest };
        case 'missing':
          return { kind: 'missing' };
        case 'invalid':
          return { kind: 'invalid', message: hashed.diagnostics.map((d) => d.message).join('; ') };
      }
    },
    readParams: (file, keys) => hasher.selectParams({ file, keys }),
    forgetParams: () => hasher.forgetParams(),
    moduleFiles: (entry) => collectModuleFiles(entry, root, hasher),
    save: () => hasher.close(),
  };
}
