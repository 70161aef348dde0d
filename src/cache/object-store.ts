// Content-addressed store: every file is kept once under the SHA-256 of its bytes, and a
// directory is a tree object holding the exact bytes of its manifest (src/hash/manifest.ts), so
// the hash the lock records for a directory names its tree object.
//
// Objects are written to tmp/ and renamed into place (readers never see a partial object), then
// left read-only. Restores copy objects out with copy-on-write clones where the filesystem
// supports them and plain copies otherwise; they never hardlink, because stages run as root here
// and read-only bits would not stop a stage from writing through a hardlink into the store.
import { createHash } from 'node:crypto';
import { chmodSync, constants, copyFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Diagnostic, Result } from '../errors.js';
import { parseManifest, serializeManifest, type DirectoryDigest, type ManifestEntry } from '../hash/manifest.js';
import { CacheLayout, projectCacheDir } from './cache-layout.js';
import { asCacheWriteError } from './cache-write-error.js';
import { digestDirectory } from './directory-digest.js';
import { mapLimit } from './map-limit.js';
import { restoreFromStore, type RestoreOptions, type RestoreStats } from './restore.js';
import { sweepTempDir } from './tmp-sweep.js';

export type ObjectKind = 'file' | 'dir';

/** Small files are stored by reading them into memory; larger ones are copied (or cloned). */
const COPY_THROUGH_MEMORY_BYTES = 64 << 10;

/** Parallel file copies per tree: enough to hide I/O latency without flooding the disk. */
const COPY_PARALLELISM = 8;

/**
 * Files up to this size are stored with synchronous calls. Each call then costs microseconds,
 * where a promise round trip through the thread pool costs several times more CPU; in builds of
 * many small stages that overhead, not the copying, set the pace.
 */
const SYNC_MAX_BYTES = 256 << 10;

export class ObjectStore {
  /** Shard directories known to exist, so each is created once per process. */
  private readonly shards = new Set<string>();

  private constructor(readonly layout: CacheLayout) {}

  /** Opens (creating if needed) the store at `dir` and clears leftovers of interrupted writes. */
  static async open(dir: string): Promise<ObjectStore> {
    const layout = new CacheLayout(dir);
    await Promise.all([layout.objectsDir, layout.tmpDir, layout.runsDir, layout.memoDir].map((d) => mkdir(d, { recursive: true })));
    await sweepTempDir(layout.tmpDir);
    return new ObjectStore(layout);
  }

  /**
   * The store at `dir` as it is, for lookups only (`run --dry`): creates and sweeps nothing, so it
   * is safe while another process runs in the project.
   */
  static forReading(dir: string): ObjectStore {
    return new ObjectStore(new CacheLayout(dir));
  }

  /** The store a project uses (see projectCacheDir). */
  static openForProject(projectRoot: string): Promise<ObjectStore> {
    return ObjectStore.open(projectCacheDir(projectRoot));
  }

  get dir(): string {
    return this.layout.dir;
  }

  objectPath(hash: string): string {
    return this.layout.objectPath(hash);
  }

  /** Whether the object exists (and, when `size` is given, has exactly that many bytes). */
  async has(hash: string, size?: number): Promise<boolean> {
    return this.hasSync(hash, size);
  }

  /** `has` without a thread-pool round trip: one stat, microseconds (see SYNC_MAX_BYTES). */
  hasSync(hash: string, size?: number): boolean {
    const info = statSync(this.objectPath(hash), { throwIfNoEntry: false });
    return info !== undefined && info.isFile() && (size === undefined || info.size === size);
  }

  /**
   * Stores a file. With `knownHash` the content is trusted to have that hash (the caller just
   * hashed it), and `knownSize` spares a stat.
   */
  /** `content`: the file's bytes as hashed to `knownHash`, written instead of reading the file again. */
  async addFile(absPath: string, knownHash?: string, knownSize?: number, content?: Buffer): Promise<{ hash: string; size: number }> {
    try {
      return await this.storeFile(absPath, knownHash, knownSize, content);
    } catch (error) {
      // A file gone since it was hashed is no fault of the cache.
      throw existsSync(absPath) ? this.writeError(error) : error;
    }
  }

  private async storeFile(absPath: string, knownHash?: string, knownSize?: number, content?: Buffer): Promise<{ hash: string; size: number }> {
    if (knownHash !== undefined) {
      const size = knownSize ?? statSync(absPath).size;
      if (this.hasSync(knownHash, size)) return { hash: knownHash, size };
      const temp = this.layout.tempPath('.obj');
      if (size <= SYNC_MAX_BYTES) {
        try {
          if (size <= COPY_THROUGH_MEMORY_BYTES) {
            // Read and written back with its final mode: a third fewer system calls than
            // copyFile + chmod (no clone attempt, no fchmod, no chmod), where a clone saves nothing.
            writeFileSync(temp, content?.length === size ? content : readFileSync(absPath), { mode: 0o444, flag: 'wx' });
          } else {
            copyFileSync(absPath, temp, constants.COPYFILE_FICLONE);
            chmodSync(temp, 0o444);
          }
          this.renameIntoShard(temp, this.objectPath(knownHash));
        } catch (error) {
          removeQuietly(temp);
          throw error;
        }
      } else {
        await copyFile(absPath, temp, constants.COPYFILE_FICLONE);
        await this.publish(temp, knownHash);
      }
      return { hash: knownHash, size };
    }
    const temp = this.layout.tempPath('.obj');
    const hasher = createHash('sha256');
    let size = 0;
    try {
      await pipeline(
        createReadStream(absPath),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            hasher.update(chunk);
            size += chunk.length;
            yield chunk;
          }
        },
        createWriteStream(temp),
      );
    } catch (error) {
      removeQuietly(temp);
      throw error;
    }
    const hash = hasher.digest('hex');
    if (await this.has(hash, size)) await rm(temp, { force: true });
    else await this.publish(temp, hash);
    return { hash, size };
  }

  /** Stores a directory's files and its tree object; returns its digest (computed when not given). */
  async addTree(absDir: string, digest?: DirectoryDigest): Promise<DirectoryDigest> {
    const tree = digest ?? (await digestDirectory(absDir));
    await mapLimit(tree.entries, COPY_PARALLELISM, (entry) => this.addFile(join(absDir, entry.path), entry.hash, entry.size));
    await this.addBytes(serializeManifest(tree.entries), tree.hash);
    return tree;
  }

  /** Stores bytes whose hash must be `expectedHash` (a mismatch is a caller bug). */
  async addBytes(data: string | Uint8Array, expectedHash?: string): Promise<string> {
    const hash = createHash('sha256').update(data).digest('hex');
    if (expectedHash !== undefined && hash !== expectedHash) {
      throw new Error(`Internal error: content hashes to ${hash}, expected ${expectedHash}`);
    }
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
    if (!(await this.has(hash, size))) {
      const temp = this.layout.tempPath('.obj');
      try {
        await writeFile(temp, data);
        await this.publish(temp, hash);
      } catch (error) {
        removeQuietly(temp);
        throw this.writeError(error);
      }
    }
    return hash;
  }

  private writeError(error: unknown): unknown {
    return asCacheWriteError(error, this.dir, this.layout.tmpDir);
  }

  /** The entries of a tree object, or undefined when it is missing or does not hash to its name. */
  async readTree(hash: string): Promise<ManifestEntry[] | undefined> {
    const bytes = await readFile(this.objectPath(hash)).catch(() => undefined);
    if (bytes === undefined || createHash('sha256').update(bytes).digest('hex') !== hash) return undefined;
    try {
      return parseManifest(bytes.toString('utf8'));
    } catch {
      return undefined;
    }
  }

  /** Whether a file object, or a tree and every file it lists, is present with the recorded sizes. */
  async isComplete(hash: string, kind: ObjectKind, size?: number): Promise<boolean> {
    if (kind === 'file') return this.has(hash, size);
    const entries = await this.readTree(hash);
    if (entries === undefined) return false;
    for (const entry of entries) if (!(await this.has(entry.hash, entry.size))) return false;
    return true;
  }

  /**
   * Puts a file or directory back at `destAbs` from the store. Nothing at `destAbs` changes unless
   * every object is present with the right size (and, with `verify`, the right content).
   */
  restore(hash: string, kind: ObjectKind, destAbs: string, options: RestoreOptions = {}): Promise<Result<RestoreStats, Diagnostic[]>> {
    return restoreFromStore(this, hash, kind, destAbs, options);
  }

  /** Deletes an object (a corrupt one, or garbage). */
  async evict(hash: string): Promise<void> {
    await rm(this.objectPath(hash), { force: true });
  }

  /** Renames a finished temp file to its object path, creating the shard directory once. */
  private renameIntoShard(temp: string, dest: string): void {
    const shard = dirname(dest);
    if (!this.shards.has(shard)) {
      mkdirSync(shard, { recursive: true });
      this.shards.add(shard);
    }
    try {
      renameSync(temp, dest);
    } catch (error) {
      // gc in another process may have removed the shard since: create it again.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(shard, { recursive: true });
      renameSync(temp, dest);
    }
  }

  private async publish(temp: string, hash: string): Promise<void> {
    const dest = this.objectPath(hash);
    try {
      await chmod(temp, 0o444);
      this.renameIntoShard(temp, dest);
    } catch (error) {
      removeQuietly(temp);
      throw error;
    }
  }
}

/** Cleanup after a failed write: its own failure (tmp/ unwritable too) must not hide the first. */
function removeQuietly(temp: string): void {
  try {
    rmSync(temp, { force: true });
  } catch {
    // the write's error is the one to report
  }
}
