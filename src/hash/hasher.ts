// Content hashes of deps and outs for one run, backed by the persistent stat cache: the no-op
// path only stats, changed files are read once, large batches are hashed on worker threads.
import { type BigIntStats, statSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic, Result } from '../errors.js';
import { isErrno } from '../lock/atomic-write.js';
import type { LockedPath } from '../lock/types.js';
import type { ParamSpec } from '../pipeline/types.js';
import { walkFiles } from './directory-walk.js';
import type { FileHashOutcome } from './file-hash.js';
import { CHUNK_BYTES, hashFileSync } from './file-hash.js';
import { HashPool } from './hash-pool.js';
import type { DirectoryDigest, ManifestEntry } from './manifest.js';
import { digestManifest } from './manifest.js';
import { parseModuleImports } from './module-imports.js';
import { ParamsReader } from './params.js';
import type { ImportRef } from './stat-cache.js';
import { StatCache } from './stat-cache.js';

export type HashedPath =
  | {
      readonly kind: 'file';
      readonly hash: string;
      readonly size: number;
      readonly executable: boolean;
      /** The bytes that were hashed, when asked for, read this time and at most KEEP_CONTENT_MAX_BYTES. */
      readonly content?: Buffer;
    }
  | { readonly kind: 'dir'; readonly digest: DirectoryDigest }
  | { readonly kind: 'missing' }
  /** The path exists but cannot be hashed (dangling symlink inside a directory, fifo, unreadable file). */
  | { readonly kind: 'invalid'; readonly diagnostics: readonly Diagnostic[] };

export interface HasherOptions {
  /** Wall clock in ns; tests replace it. */
  readonly now?: () => bigint;
  /** Overrides the racy-clean safety margin (default: 10 ms, 2 s on whole-second filesystems). */
  readonly racyMarginNs?: bigint;
  /** Worker threads for large batches (default: available cores, at most 8). */
  readonly workers?: number;
}

/** A file kept in memory after hashing, for the cache to store exactly the bytes that were hashed. */
const KEEP_CONTENT_MAX_BYTES = 64 << 10;

export interface HashPathOptions {
  /** Return the content of a small file read this time (not of one found in the stat cache). */
  readonly keepContent?: boolean;
}

/** Below this, hashing on the main thread beats starting workers. */
const INLINE_MAX_BYTES = 4 << 20;
const INLINE_MAX_FILES = 16;

interface PendingFile {
  readonly key: string;
  readonly abs: string;
  readonly stat: BigIntStats;
}

const wallClockNs = (): bigint => BigInt(Date.now()) * 1_000_000n;

/** Project-relative POSIX form: `./data/raw/` → `data/raw`. */
export function normalizeRelPath(relPath: string): string {
  const normalized = path.posix.normalize(relPath.replaceAll('\\', '/'));
  return normalized.length > 1 && normalized.endsWith('/') ? normalized.slice(0, -1) : normalized;
}

export interface HasherCounters {
  /** Files whose content was read this run (cache misses). */
  filesRead: number;
  bytesRead: number;
  /** Modules parsed for imports (not found in the cache by content hash). */
  modulesParsed: number;
}

export class Hasher {
  readonly counters: HasherCounters = { filesRead: 0, bytesRead: 0, modulesParsed: 0 };
  private pool: HashPool | undefined;
  private inlineBuffer: Buffer | undefined;
  private readonly paramsReader: ParamsReader;
  private readonly now: () => bigint;

  private constructor(
    readonly root: string,
    private readonly cache: StatCache,
    private readonly options: HasherOptions,
  ) {
    this.now = options.now ?? wallClockNs;
    this.paramsReader = new ParamsReader(root);
  }

  /** Loads the stat cache of the project at `root` (absolute). */
  static async open(root: string, options: HasherOptions = {}): Promise<Hasher> {
    return new Hasher(root, await StatCache.load(root, options.racyMarginNs), options);
  }

  async hashPath(relPath: string, options: HashPathOptions = {}): Promise<HashedPath> {
    const key = normalizeRelPath(relPath);
    const abs = path.join(this.root, key);
    const startedNs = this.now();
    let s: BigIntStats;
    try {
      // Synchronous: one stat costs microseconds, a thread-pool round trip several times more,
      // and every stage stats its deps and outs.
      s = statSync(abs, { bigint: true });
    } catch (error) {
      if (!isErrno(error, 'ENOENT', 'ENOTDIR', 'ELOOP')) throw error;
      this.cache.delete(key);
      return { kind: 'missing' };
    }
    if (s.isDirectory()) return this.hashDirectory(key, abs, startedNs);
    if (!s.isFile()) return invalid(`${key} is not a regular file or directory`);
    const contents = options.keepContent === true ? new Map<number, Buffer>() : undefined;
    const [outcome] = await this.hashFiles([{ key, abs, stat: s }], startedNs, contents);
    if (outcome && 'hash' in outcome) {
      const content = contents?.get(0);
      return { kind: 'file', hash: outcome.hash, size: outcome.size, executable: isExecutable(s), ...(content !== undefined && { content }) };
    }
    if (outcome?.code === 'ENOENT') return { kind: 'missing' };
    return invalid(`cannot read ${key}: ${outcome?.error}`);
  }

  private async hashDirectory(key: string, abs: string, startedNs: bigint): Promise<HashedPath> {
    const walked = await walkFiles(abs, key);
    if (!walked.ok) return { kind: 'invalid', diagnostics: walked.error };
    const files = walked.value;
    const childKey = (rel: string): string => (key === '.' ? rel : `${key}/${rel}`);
    const outcomes = await this.hashFiles(
      files.map((f) => ({ key: childKey(f.rel), abs: f.abs, stat: f.stat })),
      startedNs,
    );
    const entries: ManifestEntry[] = [];
    const problems: Diagnostic[] = [];
    files.forEach((file, i) => {
      const outcome = outcomes[i]!;
      if ('hash' in outcome) entries.push({ path: file.rel, hash: outcome.hash, size: outcome.size, executable: isExecutable(file.stat) });
      else if (outcome.code !== 'ENOENT') problems.push({ message: `cannot read ${childKey(file.rel)}: ${outcome.error}` });
    });
    if (problems.length > 0) return { kind: 'invalid', diagnostics: problems };
    this.cache.pruneBelow(key, new Set(files.map((f) => childKey(f.rel))));
    return { kind: 'dir', digest: digestManifest(entries) };
  }

  /**
   * Cached hashes where the stat still matches; the rest are read (inline or on workers). With
   * `contents`, small files read inline leave their bytes there, by index.
   */
  private async hashFiles(files: readonly PendingFile[], startedNs: bigint, contents?: Map<number, Buffer>): Promise<FileHashOutcome[]> {
    const outcomes: FileHashOutcome[] = new Array<FileHashOutcome>(files.length);
    const toRead: number[] = [];
    let bytes = 0;
    files.forEach((file, i) => {
      const entry = this.cache.lookup(file.key, file.stat);
      if (entry) outcomes[i] = { hash: entry.hash, size: entry.size };
      else {
        toRead.push(i);
        bytes += Number(file.stat.size);
      }
    });
    if (toRead.length === 0) return outcomes;
    const paths = toRead.map((i) => files[i]!.abs);
    let fresh: FileHashOutcome[];
    if (bytes <= INLINE_MAX_BYTES && toRead.length <= INLINE_MAX_FILES) {
      const buffer = (this.inlineBuffer ??= Buffer.allocUnsafe(CHUNK_BYTES));
      fresh = paths.map((p, j) => {
        const outcome = hashFileSync(p, buffer);
        // A file this small was read whole into the start of the buffer by one read.
        if (contents !== undefined && 'hash' in outcome && outcome.size <= KEEP_CONTENT_MAX_BYTES) {
          contents.set(toRead[j]!, Buffer.from(buffer.subarray(0, outcome.size)));
        }
        return outcome;
      });
    } else {
      this.pool ??= new HashPool(this.options.workers);
      fresh = await this.pool.hashFiles(
        paths,
        toRead.map((i) => Number(files[i]!.stat.size)),
      );
    }
    toRead.forEach((fileIndex, j) => {
      const outcome = fresh[j]!;
      const file = files[fileIndex]!;
      outcomes[fileIndex] = outcome;
      this.counters.filesRead++;
      if ('size' in outcome) this.counters.bytesRead += outcome.size;
      // A size that moved while reading means the stat no longer describes what was hashed.
      if ('hash' in outcome && outcome.size === Number(file.stat.size)) this.cache.record(file.key, file.stat, outcome.hash, startedNs);
      else this.cache.delete(file.key);
    });
    return outcomes;
  }

  /** Local and package import specifiers of a module, parsed once per distinct content. */
  async moduleImports(relPath: string, contentHash: string): Promise<ImportRef[]> {
    const cached = this.cache.importsOf(contentHash);
    if (cached) return cached;
    const refs = await parseModuleImports(path.join(this.root, relPath));
    this.counters.modulesParsed++;
    this.cache.recordImports(contentHash, refs);
    return refs;
  }

  /** Selected values of a params file; each file is read once per Hasher. */
  selectParams(spec: ParamSpec): Promise<Result<Record<string, unknown>, Diagnostic[]>> {
    return this.paramsReader.select(spec);
  }

  /** Params files may have changed since they were read: read them again from now on. */
  forgetParams(): void {
    this.paramsReader.forget();
  }

  /** Persists the stat cache (atomically; skipped when nothing changed). */
  save(): Promise<void> {
    return this.cache.save();
  }

  /** Saves and stops the worker threads. */
  async close(): Promise<void> {
    await this.save();
    await this.pool?.close();
    this.pool = undefined;
  }
}

const isExecutable = (s: BigIntStats): boolean => (Number(s.mode) & 0o111) !== 0;

function invalid(message: string): HashedPath {
  return { kind: 'invalid', diagnostics: [{ message }] };
}

/** The lock-file form of a hashed dep or out; undefined for a path that cannot be recorded. */
export function toLockedPath(relPath: string, hashed: HashedPath): LockedPath | undefined {
  switch (hashed.kind) {
    case 'file':
      return { path: normalizeRelPath(relPath), hash: hashed.hash, size: hashed.size };
    case 'dir':
      return { path: normalizeRelPath(relPath), hash: hashed.digest.hash, size: hashed.digest.size, nfiles: hashed.digest.nfiles };
    default:
      return undefined;
  }
}
