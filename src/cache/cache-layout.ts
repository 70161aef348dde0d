// Where everything lives inside a cache directory. Objects are named by the SHA-256 of their
// content and fanned out by the first two hex digits to keep directories small.
import { randomBytes } from 'node:crypto';
import { join, resolve } from 'node:path';

export const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}

export function defaultCacheDir(projectRoot: string): string {
  return join(projectRoot, 'cache');
}

/** Names another cache directory (a bigger disk, or one shared by several projects). */
export const CACHE_DIR_VARIABLE = 'DAGMAKE_CACHE_DIR';

/** The cache a project uses: `$DAGMAKE_CACHE_DIR` (relative to the project) when set, else `cache/`. */
export function projectCacheDir(projectRoot: string, env: NodeJS.ProcessEnv = process.env): string {
  const configured = env[CACHE_DIR_VARIABLE];
  return configured ? resolve(projectRoot, configured) : defaultCacheDir(projectRoot);
}

const processTag = randomBytes(4).toString('hex');
let tempCounter = 0;

/** A unique name that starts with our pid, so leftovers can be attributed to a (dead) process. */
export function tempName(suffix = ''): string {
  // A random tag per process plus a counter: as unique as random bytes per name, without their cost.
  return `${process.pid}-${processTag}${(tempCounter++).toString(16)}${suffix}`;
}

/** The pid a temp name was created by, or undefined when the name is not ours. */
export function pidOfTempName(name: string): number | undefined {
  const match = /^(\d+)-[0-9a-f]+/.exec(name);
  return match ? Number(match[1]) : undefined;
}

/** Starts the names of a restore's temp entries next to the out (see restore.ts). */
export const WORKSPACE_TEMP_PREFIX = '.dagmake-';
/** A file in tmp/ listing the workspace temp entries of a restore that is under way. */
export const RESTORE_MARKER_SUFFIX = '.restoring';

/** Whether `name` is a workspace temp entry a restore made (never an out's own name). */
export function isWorkspaceTempName(name: string): boolean {
  return name.startsWith(WORKSPACE_TEMP_PREFIX) && /^(restore|old)-\d+-[0-9a-f]+$/.test(name.slice(WORKSPACE_TEMP_PREFIX.length));
}

export const RUN_LOG_SUFFIX = '.jsonl';

export class CacheLayout {
  readonly objectsDir: string;
  readonly tmpDir: string;
  readonly runsDir: string;
  readonly memoDir: string;

  constructor(readonly dir: string) {
    this.objectsDir = join(dir, 'objects');
    this.tmpDir = join(dir, 'tmp');
    this.runsDir = join(dir, 'runs');
    this.memoDir = join(dir, 'memo');
  }

  objectPath(hash: string): string {
    if (!isSha256Hex(hash)) throw new Error(`Internal error: not a SHA-256 hex digest: ${JSON.stringify(hash)}`);
    return join(this.objectsDir, hash.slice(0, 2), hash.slice(2));
  }

  /** The append-only log that holds the run-cache entries of `key`'s shard (see run-log.ts). */
  runLogPath(key: string): string {
    return join(this.runsDir, `${fanOut(key)}${RUN_LOG_SUFFIX}`);
  }

  /** Where older versions kept one run-cache entry per file; still read. */
  runEntryPath(key: string): string {
    return join(this.runsDir, fanOut(key), `${key}.json`);
  }

  memoEntryPath(key: string): string {
    return join(this.memoDir, fanOut(key), `${key}.json`);
  }

  tempPath(suffix = ''): string {
    return join(this.tmpDir, tempName(suffix));
  }
}

function fanOut(key: string): string {
  if (!/^[0-9a-zA-Z_-]{3,}$/.test(key)) throw new Error(`Internal error: unusable cache key ${JSON.stringify(key)}`);
  return key.slice(0, 2);
}
