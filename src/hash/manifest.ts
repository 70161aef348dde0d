// The canonical description of a directory's content. The same bytes are hashed for the lock
// (a directory dep/out hash) and stored as the tree object in the cache, so a directory is
// hashed once and its hash names its tree object.
import { createHash } from 'node:crypto';

export interface ManifestEntry {
  /** POSIX path relative to the directory. */
  readonly path: string;
  /** SHA-256 hex of the file content. */
  readonly hash: string;
  readonly size: number;
  readonly executable: boolean;
}

export interface DirectoryDigest {
  readonly hash: string;
  readonly size: number;
  readonly nfiles: number;
  readonly entries: readonly ManifestEntry[];
}

const byPath = (a: ManifestEntry, b: ManifestEntry): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** One line per file, sorted by path (UTF-16 code unit order): `<hash> <size> <x|-> <path>\n`. */
export function serializeManifest(entries: readonly ManifestEntry[]): string {
  return [...entries]
    .sort(byPath)
    .map((e) => `${e.hash} ${e.size} ${e.executable ? 'x' : '-'} ${e.path}\n`)
    .join('');
}

export function parseManifest(text: string): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const match = /^([0-9a-f]{64}) (\d+) ([x-]) (.+)$/.exec(line);
    if (!match) throw new Error(`Internal error: malformed manifest line ${JSON.stringify(line)}`);
    entries.push({ hash: match[1]!, size: Number(match[2]), executable: match[3] === 'x', path: match[4]! });
  }
  return entries;
}

export function digestManifest(entries: readonly ManifestEntry[]): DirectoryDigest {
  const text = serializeManifest(entries);
  return {
    hash: createHash('sha256').update(text).digest('hex'),
    size: entries.reduce((sum, e) => sum + e.size, 0),
    nfiles: entries.length,
    entries: [...entries].sort(byPath),
  };
}
