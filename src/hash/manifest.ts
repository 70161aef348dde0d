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

/**
 * One line per file, sorted by path (UTF-16 code unit order): `<hash> <size> <x|-> <path>\n`.
 * A path that holds a newline or starts with `"` is written as a JSON string instead, so a file
 * name can never end a line early or pass for another entry; every other path is written as is,
 * which keeps the hash of every directory without such names what it has always been.
 */
export function serializeManifest(entries: readonly ManifestEntry[]): string {
  return [...entries]
    .sort(byPath)
    .map((e) => `${e.hash} ${e.size} ${e.executable ? 'x' : '-'} ${encodePath(e.path)}\n`)
    .join('');
}

const needsQuoting = (path: string): boolean => path.includes('\n') || path.startsWith('"');

/** JSON.stringify never writes a raw newline, so the quoted form always stays on one line. */
const encodePath = (path: string): string => (needsQuoting(path) ? JSON.stringify(path) : path);

// `s`: a path may hold a carriage return or U+2028/U+2029; only `\n` ends a line.
const LINE = /^([0-9a-f]{64}) (0|[1-9]\d*) ([x-]) (.+)$/s;

/**
 * The inverse of serializeManifest. Anything it would not have written (a quoted path that needed
 * no quoting, paths out of order or repeated, a path with an empty, `.` or `..` segment) is
 * rejected, so each manifest text has exactly one reading and a restore never writes outside its
 * directory.
 */
export function parseManifest(text: string): ManifestEntry[] {
  const entries: ManifestEntry[] = [];
  const lines = text.split('\n');
  if (lines.pop() !== '') throw malformed(text.slice(text.lastIndexOf('\n') + 1));
  for (const line of lines) {
    const match = LINE.exec(line);
    if (!match) throw malformed(line);
    const path = decodePath(match[4]!);
    if (path === undefined || !isRelativeFilePath(path)) throw malformed(line);
    const previous = entries.at(-1);
    if (previous !== undefined && !(previous.path < path)) throw malformed(line);
    entries.push({ hash: match[1]!, size: Number(match[2]), executable: match[3] === 'x', path });
  }
  return entries;
}

function decodePath(field: string): string | undefined {
  if (!field.startsWith('"')) return field;
  let decoded: unknown;
  try {
    decoded = JSON.parse(field);
  } catch {
    return undefined;
  }
  return typeof decoded === 'string' && needsQuoting(decoded) && JSON.stringify(decoded) === field ? decoded : undefined;
}

const isRelativeFilePath = (path: string): boolean => path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');

const malformed = (line: string): Error => new Error(`Internal error: malformed manifest line ${JSON.stringify(line)}`);

export function digestManifest(entries: readonly ManifestEntry[]): DirectoryDigest {
  const text = serializeManifest(entries);
  return {
    hash: createHash('sha256').update(text).digest('hex'),
    size: entries.reduce((sum, e) => sum + e.size, 0),
    nfiles: entries.length,
    entries: [...entries].sort(byPath),
  };
}
