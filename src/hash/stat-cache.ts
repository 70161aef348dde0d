// Remembers each file's content hash next to the stat data it was computed for, so an unchanged
// file is only stat'ed, never read again. Persisted at .dagmake/stat-cache.json.
import type { BigIntStats } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { isErrno, writeFileAtomic } from '../lock/atomic-write.js';

export interface StatCacheEntry {
  readonly dev: string;
  readonly ino: string;
  readonly size: number;
  readonly mtimeNs: string;
  readonly ctimeNs: string;
  readonly hash: string;
  /** Wall-clock time (ns) taken just before the stat the hash was recorded for. */
  readonly hashedAtNs: string;
}

/** A local import found in a module: specifier and its 1-based position. */
/**
 * An import at line:col. With a `suffix`, it is a computed path (see computed-imports.ts): the
 * specifier is its literal start and the suffix its literal end.
 */
export type ImportRef = readonly [specifier: string, line: number, col: number, suffix?: string];

/** Tuple form keeps the file small and quick to parse with 10,000+ entries. */
type StoredEntry = [dev: string, ino: string, size: number, mtimeNs: string, ctimeNs: string, hash: string, hashedAtNs: string];

interface StoredCache {
  version: number;
  /** Imports found by an older parser are parsed again; the file entries stay valid. */
  importsVersion?: number;
  entries: Record<string, StoredEntry>;
  imports: Record<string, ImportRef[]>;
}

const VERSION = 1;
const IMPORTS_VERSION = 2;
export const STAT_CACHE_FILE = path.join('.dagmake', 'stat-cache.json');

/** Most filesystems stamp files with a clock that may lag wall time by a scheduler tick. */
const FINE_MARGIN_NS = 10_000_000n;
/** Whole-second timestamps mean a coarse filesystem (ext3, HFS+, FAT has 2 s). */
const COARSE_MARGIN_NS = 2_000_000_000n;

export function racyMarginNs(mtimeNs: bigint): bigint {
  return mtimeNs % 1_000_000_000n === 0n ? COARSE_MARGIN_NS : FINE_MARGIN_NS;
}

/**
 * Racy-clean, as git does it: a file modified within the same timestamp tick as the moment its
 * hash was recorded could have changed again without its mtime changing, so such an entry is
 * never trusted; it is re-hashed on each use until a hash is recorded well after its mtime.
 */
export function isRacy(entry: Pick<StatCacheEntry, 'mtimeNs' | 'hashedAtNs'>, marginNs?: bigint): boolean {
  const mtime = BigInt(entry.mtimeNs);
  return mtime >= BigInt(entry.hashedAtNs) - (marginNs ?? racyMarginNs(mtime));
}

export function statMatches(entry: StatCacheEntry, stat: BigIntStats): boolean {
  return (
    entry.size === Number(stat.size) &&
    entry.mtimeNs === String(stat.mtimeNs) &&
    entry.ctimeNs === String(stat.ctimeNs) &&
    entry.ino === String(stat.ino) &&
    entry.dev === String(stat.dev)
  );
}

export class StatCache {
  private dirty = false;

  private constructor(
    private readonly file: string,
    private readonly entries: Map<string, StatCacheEntry>,
    private readonly imports: Map<string, ImportRef[]>,
    private readonly marginNs: bigint | undefined,
  ) {}

  /** A missing or unreadable cache starts empty: it only ever saves work. */
  static async load(root: string, marginNs?: bigint): Promise<StatCache> {
    const file = path.join(root, STAT_CACHE_FILE);
    const entries = new Map<string, StatCacheEntry>();
    const imports = new Map<string, ImportRef[]>();
    try {
      const stored = JSON.parse(await readFile(file, 'utf8')) as StoredCache;
      if (stored.version === VERSION) {
        for (const [key, e] of Object.entries(stored.entries)) {
          entries.set(key, { dev: e[0], ino: e[1], size: e[2], mtimeNs: e[3], ctimeNs: e[4], hash: e[5], hashedAtNs: e[6] });
        }
        if (stored.importsVersion === IMPORTS_VERSION) for (const [hash, refs] of Object.entries(stored.imports)) imports.set(hash, refs);
      }
    } catch {
      entries.clear();
      imports.clear();
    }
    return new StatCache(file, entries, imports, marginNs);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The recorded hash, if `stat` still describes the file it was computed for and is not racy. */
  lookup(key: string, stat: BigIntStats): StatCacheEntry | undefined {
    const entry = this.entries.get(key);
    if (!entry || !statMatches(entry, stat) || isRacy(entry, this.marginNs)) return undefined;
    return entry;
  }

  record(key: string, stat: BigIntStats, hash: string, hashedAtNs: bigint): void {
    this.entries.set(key, {
      dev: String(stat.dev),
      ino: String(stat.ino),
      size: Number(stat.size),
      mtimeNs: String(stat.mtimeNs),
      ctimeNs: String(stat.ctimeNs),
      hash,
      hashedAtNs: String(hashedAtNs),
    });
    this.dirty = true;
  }

  delete(key: string): void {
    if (this.entries.delete(key)) this.dirty = true;
  }

  /** Drops entries for files below `dir` that a walk of `dir` no longer found. */
  pruneBelow(dir: string, keep: ReadonlySet<string>): void {
    const prefix = dir === '.' ? '' : `${dir}/`;
    for (const key of this.entries.keys()) {
      if (key.startsWith(prefix) && !keep.has(key)) this.delete(key);
    }
  }

  importsOf(hash: string): ImportRef[] | undefined {
    return this.imports.get(hash);
  }

  recordImports(hash: string, refs: ImportRef[]): void {
    this.imports.set(hash, refs);
    this.dirty = true;
  }

  /**
   * Atomic (temp + rename); a no-op when nothing changed since load. A project that cannot be
   * written (a read-only checkout, a full disk) keeps no cache: reading commands such as status
   * still work, and a run reports the project it cannot write on its own.
   */
  async save(): Promise<void> {
    if (!this.dirty) return;
    const stored: StoredCache = { version: VERSION, importsVersion: IMPORTS_VERSION, entries: {}, imports: {} };
    const liveHashes = new Set<string>();
    for (const [key, e] of this.entries) {
      stored.entries[key] = [e.dev, e.ino, e.size, e.mtimeNs, e.ctimeNs, e.hash, e.hashedAtNs];
      liveHashes.add(e.hash);
    }
    // Import lists are keyed by content hash; keep only those some current file still has.
    for (const [hash, refs] of this.imports) if (liveHashes.has(hash)) stored.imports[hash] = refs;
    try {
      await mkdir(path.dirname(this.file), { recursive: true });
      await writeFileAtomic(this.file, JSON.stringify(stored));
    } catch (error) {
      if (isErrno(error, 'EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT')) return;
      throw error;
    }
    this.dirty = false;
  }
}
