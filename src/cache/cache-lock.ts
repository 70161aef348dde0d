// Runs and gc of every project that shares a cache take turns through `<cache>/locks/`. A run
// holds the cache shared (a file of its own in `locks/shared/`) from before it reads or writes
// anything in it until its lock records what it wrote; gc holds it exclusively
// (`locks/exclusive.lock`, created exclusively). A project records itself as a cache user only
// while it runs, so without this a gc in another project could not know of a first run at all.
// Each side creates its file before it looks for the other's, so of a run and a gc that start
// together at least one sees the other and backs off: both never proceed. Files left by dead
// processes are removed, the exclusive one the way a stale project lock is taken over.
import { mkdir, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type Diagnostic, fail, ok, type Result } from '../errors.js';
import { isErrno } from '../lock/atomic-write.js';
import {
  isNoRoom,
  isStaleLock,
  type LockContent,
  ownLockContent,
  parseLockContent,
  type ProjectBusy,
  readLockFile,
  releaseIfOwned,
  takeOverStale,
  tryCreate,
} from '../project-mutex.js';

export interface CacheLease {
  release(): Promise<void>;
}

interface CacheHolder extends LockContent {
  /** The project the holder works for. */
  readonly root: string;
  /** What it does: "run", "gc", … */
  readonly command: string;
}

export interface ShareOptions {
  /** Wait for an exclusive holder to finish instead of failing at once. */
  readonly wait: boolean;
  /** Called once, with what it waits for, when it starts waiting. */
  onWaiting?(message: string): void;
  readonly signal?: AbortSignal;
  readonly pollMs?: number;
}

const locksDir = (cacheDir: string): string => path.join(cacheDir, 'locks');
const sharedDir = (cacheDir: string): string => path.join(locksDir(cacheDir), 'shared');
const exclusivePath = (cacheDir: string): string => path.join(locksDir(cacheDir), 'exclusive.lock');

/** Holds the cache shared: no gc collects while the lease is held. */
export async function shareCache(cacheDir: string, root: string, options: ShareOptions): Promise<Result<CacheLease, Diagnostic[]>> {
  const mine = holderFor(root, 'run');
  const own = path.join(sharedDir(cacheDir), `${mine.token}.lock`);
  let toldWaiting = false;
  return refusedAccess(cacheDir, async () => {
    for (;;) {
      await mkdir(sharedDir(cacheDir), { recursive: true });
      tryCreate(own, mine);
      const holder = await exclusiveHolder(cacheDir);
      if (holder === undefined) return ok(lease(own, mine.token));
      await rm(own, { force: true });
      if (holder !== 'starting') {
        if (!options.wait) return fail([exclusiveBusy(holder, cacheDir)]);
        if (!toldWaiting) options.onWaiting?.(`waiting for ${holder.command} in ${holder.root} (pid ${holder.pid}) to finish with the cache ${cacheDir}...`);
        toldWaiting = true;
      }
      if (options.signal?.aborted) return fail([{ message: 'stopped waiting for the cache', hint: 'Nothing was run.' }]);
      await sleep(options.pollMs ?? 100);
    }
  });
}

/** Holds the cache exclusively, or says who uses it: no run of any project sharing it is in progress. */
export async function holdCacheExclusively(cacheDir: string, root: string, command: string): Promise<Result<CacheLease, Diagnostic[]>> {
  const mine = holderFor(root, command);
  const file = exclusivePath(cacheDir);
  return refusedAccess(cacheDir, async () => {
    await mkdir(locksDir(cacheDir), { recursive: true });
    while (!tryCreate(file, mine)) {
      const holder = await exclusiveHolder(cacheDir);
      if (holder === 'starting') await sleep(50);
      else if (holder !== undefined) return fail([exclusiveBusy(holder, cacheDir)]);
    }
    const held = lease(file, mine.token);
    const running = await liveSharers(cacheDir);
    if (running.length > 0) {
      await held.release();
      return fail([sharedBusy(running[0], cacheDir, mine.root)]);
    }
    return ok(held);
  });
}

/** The live exclusive holder; stale locks are taken over; 'starting' while one is half-written. */
async function exclusiveHolder(cacheDir: string): Promise<CacheHolder | 'starting' | undefined> {
  const file = exclusivePath(cacheDir);
  for (;;) {
    const current = await readLockFile(file);
    if (current === undefined) return undefined;
    const holder = parseHolder(current.text);
    if (!isStaleLock(holder, current.ageMs)) return holder ?? 'starting';
    await takeOverStale(file, current.text);
  }
}

/** The live runs holding the cache shared; files of dead ones are removed (each is its owner's alone). */
async function liveSharers(cacheDir: string): Promise<(CacheHolder | undefined)[]> {
  const live: (CacheHolder | undefined)[] = [];
  const names = await readdir(sharedDir(cacheDir)).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.lock'))) {
    const file = path.join(sharedDir(cacheDir), name);
    const current = await readLockFile(file);
    if (current === undefined) continue;
    const holder = parseHolder(current.text);
    if (isStaleLock(holder, current.ageMs)) await rm(file, { force: true });
    else live.push(holder);
  }
  return live;
}

function lease(file: string, token: string): CacheLease {
  const releaseNow = (): void => releaseIfOwned(file, token);
  process.once('exit', releaseNow);
  return {
    async release() {
      process.removeListener('exit', releaseNow);
      releaseNow();
    },
  };
}

function holderFor(root: string, command: string): CacheHolder {
  return {
    ...ownLockContent(),
    root: path.resolve(root),
    command,
  };
}

/** A lock's content with what the cache lock adds to it; undefined while half-written. */
function parseHolder(text: string): CacheHolder | undefined {
  const lock = parseLockContent(text);
  if (lock === undefined) return undefined;
  const { root, command } = JSON.parse(text) as Partial<CacheHolder>;
  return { ...lock, root: typeof root === 'string' ? root : 'another project', command: typeof command === 'string' ? command : 'dagmake' };
}

function exclusiveBusy(holder: CacheHolder, cacheDir: string): ProjectBusy {
  return {
    holderPid: holder.pid,
    message: `${holder.command} in ${holder.root} (pid ${holder.pid}) is using the cache ${cacheDir}`,
    hint: `Run again when it has finished (a lock left by a process that no longer exists, ${exclusivePath(cacheDir)}, is taken over automatically).`,
  };
}

function sharedBusy(holder: CacheHolder | undefined, cacheDir: string, root: string): ProjectBusy {
  if (holder?.root === root) {
    return {
      holderPid: holder.pid,
      message: `a dagmake run (pid ${holder.pid}, started ${holder.startedAt}) is running in this project`,
      hint: 'run gc when that run has finished',
    };
  }
  const who = holder === undefined ? 'another project' : holder.root;
  const pid = holder === undefined ? '' : ` (pid ${holder.pid})`;
  return {
    holderPid: holder?.pid ?? 0,
    message: `${who} shares this cache (${cacheDir}) and is running${pid}`,
    hint: 'run gc when that run has finished',
  };
}

async function refusedAccess<T>(cacheDir: string, body: () => Promise<Result<T, Diagnostic[]>>): Promise<Result<T, Diagnostic[]>> {
  try {
    return await body();
  } catch (error) {
    const message = `cannot lock the cache: ${(error as Error).message}`;
    if (isNoRoom(error)) {
      return fail([{ message, hint: `free space on the disk that holds the cache (${cacheDir}), or raise its quota or file size limit: a run or gc writes a small lock file there first` }]);
    }
    if (!isErrno(error, 'EACCES', 'EPERM', 'EROFS', 'ENOTDIR')) throw error;
    return fail([{ message, hint: `${locksDir(cacheDir)} must be a writable directory (it coordinates the projects that share ${cacheDir})` }]);
  }
}
