// One `dagmake run` per project at a time: `<root>/.dagmake/run.lock` is created exclusively and
// holds the owner's pid. A lock whose owner no longer exists is taken over; contenders for the
// same stale lock first race for a claim file named after that lock's exact content, so only one
// of them can remove it and a fresh lock is never removed by mistake. An owner that died can
// leave its pid to an unrelated process: where /proc tells when that process started (Linux),
// one that started after the lock was taken is not its owner.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isProcessAlive } from './cache/process-alive.js';
import { fail, ok, type Diagnostic, type Result } from './errors.js';
import { isErrno } from './lock/atomic-write.js';
import { processStartMs, processStartTicks } from './process-start.js';

export interface ProjectMutex {
  release(): Promise<void>;
  /**
   * Records the process that stops this run's stages if the run itself is killed: until it has
   * exited, the lock is not taken over, so no run overlaps stages that are still stopping.
   */
  noteGuard(pid: number): void;
}

export interface AcquireOptions {
  /** Queue behind a running holder instead of failing at once. */
  readonly wait: boolean;
  /** Called once, with the holder's pid, when the lock is busy and we start waiting. */
  onWaiting?(holderPid: number): void;
  /** Stops waiting (e.g. Ctrl-C while queued). */
  readonly signal?: AbortSignal;
  readonly pollMs?: number;
}

export interface LockContent {
  readonly pid: number;
  readonly startedAt: string;
  readonly token: string;
  /** The owner's start in clock ticks since boot, where /proc says (absent from older locks). */
  readonly startTicks?: number;
  /** The owner's orphan guard, with its start ticks (only where /proc tells them). */
  readonly guard?: { readonly pid: number; readonly startTicks: number };
}

/** Refused because another live run holds the project: no problem with what was asked. */
export interface ProjectBusy extends Diagnostic {
  readonly holderPid: number;
}

export const isProjectBusy = (diagnostic: Diagnostic): diagnostic is ProjectBusy =>
  typeof (diagnostic as Partial<ProjectBusy>).holderPid === 'number';

/** A lock file still empty after this long was left by a process that died while creating it. */
const HALF_WRITTEN_GRACE_MS = 5_000;
/** A claim on a stale lock older than this was left by a contender that died mid-takeover. */
const CLAIM_GRACE_MS = 10_000;
/** How much later than a lock's startedAt its owner may seem to have started: /proc's boot time is whole seconds. */
const START_TIME_SLACK_MS = 2_000;

/** What this process writes into a lock file it takes: who holds it, and a token only it knows. */
export function ownLockContent(): LockContent {
  const startTicks = processStartTicks(process.pid);
  return {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    token: randomBytes(12).toString('hex'),
    ...(startTicks !== undefined && { startTicks }),
  };
}

export function projectLockPath(root: string): string {
  return join(root, '.dagmake', 'run.lock');
}

export async function acquireProjectMutex(root: string, options: AcquireOptions): Promise<Result<ProjectMutex, Diagnostic[]>> {
  const lockPath = projectLockPath(root);
  const mine = ownLockContent();
  let toldWaiting = false;
  try {
    await mkdir(join(root, '.dagmake'), { recursive: true });
    for (;;) {
      if (tryCreate(lockPath, mine)) return ok(holdLock(lockPath, mine));
      const current = await readLockFile(lockPath);
      if (current === undefined) continue; // released between our attempt and the read
      const holder = parseLockContent(current.text);
      const stale = isStaleLock(holder, current.ageMs) && (holder === undefined || !isGuardAlive(holder));
      if (stale) {
        await takeOverStale(lockPath, current.text);
        continue;
      }
      if (holder !== undefined) {
        if (!options.wait) return fail([busy(holder, lockPath)]);
        if (!toldWaiting) options.onWaiting?.(holder.pid);
        toldWaiting = true;
      }
      if (options.signal?.aborted) return fail([{ message: 'stopped waiting for the project lock', hint: 'Nothing was run.' }]);
      await sleep(options.pollMs ?? 100);
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      return fail([{ message: `cannot create ${lockPath}: ${(error as Error).message}`, hint: 'dagmake needs write access to the project directory.' }]);
    }
    if (isNoRoom(error)) {
      return fail([{ message: `cannot create ${lockPath}: ${(error as Error).message}`, hint: 'free space on the disk that holds the project (or raise its quota or file size limit), then run again.' }]);
    }
    throw error;
  }
}

// Taking and releasing the lock are a few calls on a tiny file, made synchronously: each
// thread-pool round trip would cost more than the call, before the first stage and after the last.
export function tryCreate(lockPath: string, content: object): boolean {
  let fd: number;
  try {
    fd = openSync(lockPath, 'wx');
  } catch (error) {
    if (isErrno(error, 'EEXIST')) return false;
    throw error;
  }
  try {
    writeFileSync(fd, `${JSON.stringify(content)}\n`);
  } catch (error) {
    // An empty lock would hold everyone off until it counts as stale: a full disk must not leave one.
    closeSync(fd);
    unlinkSync(lockPath);
    throw error;
  }
  closeSync(fd);
  return true;
}

/** The disk (or quota, or file size limit) has no room for a write. */
export const isNoRoom = (error: unknown): boolean => isErrno(error, 'ENOSPC', 'EDQUOT', 'EFBIG');

/** Removes the lock file at `lockPath` if it is still the one `token` took. */
export function releaseIfOwned(lockPath: string, token: string): void {
  try {
    if (parseLockContent(readFileSync(lockPath, 'utf8'))?.token === token) unlinkSync(lockPath);
  } catch {
    // Already gone: nothing to release.
  }
}

/**
 * Whether a lock file may be taken over: its owner is gone, or it is still unreadable (a process
 * that died while writing it) after the grace time. `holder` is its parsed content, if any.
 */
export function isStaleLock(holder: LockContent | undefined, ageMs: number): boolean {
  return holder === undefined ? ageMs > HALF_WRITTEN_GRACE_MS : !isHolderAlive(holder);
}

function holdLock(lockPath: string, mine: LockContent): ProjectMutex {
  const ownsLock = (text: string | undefined): boolean => parseLockContent(text ?? '')?.token === mine.token;
  const releaseOnExit = (): void => releaseIfOwned(lockPath, mine.token);
  process.once('exit', releaseOnExit);
  let released = false;
  return {
    async release() {
      if (released) return;
      released = true;
      process.removeListener('exit', releaseOnExit);
      releaseOnExit();
    },
    noteGuard(pid) {
      const startTicks = processStartTicks(pid);
      if (released || startTicks === undefined) return;
      try {
        if (!ownsLock(readFileSync(lockPath, 'utf8'))) return;
        // Renamed over the lock: a reader sees the old content or the new, never half of it.
        const temp = `${lockPath}.${mine.token}`;
        writeFileSync(temp, `${JSON.stringify({ ...mine, guard: { pid, startTicks } })}\n`);
        renameSync(temp, lockPath);
      } catch {
        // The lock works without it; the next run just does not wait for the guard.
      }
    },
  };
}

/** Removes the lock at `lockPath` if it still holds `staleText`; of several contenders only one does. */
export async function takeOverStale(lockPath: string, staleText: string): Promise<void> {
  const claimPath = `${lockPath}.takeover-${createHash('sha256').update(staleText).digest('hex').slice(0, 16)}`;
  const claim = await open(claimPath, 'wx').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') return undefined;
    throw error;
  });
  if (claim === undefined) {
    const info = await stat(claimPath).catch(() => undefined);
    if (info !== undefined && Date.now() - info.mtimeMs > CLAIM_GRACE_MS) await rm(claimPath, { force: true });
    else await sleep(10);
    return;
  }
  try {
    await claim.close();
    // Someone else may have replaced the stale lock before we got the claim; only remove it if it is unchanged.
    if ((await readLockFile(lockPath))?.text === staleText) await unlink(lockPath).catch(() => undefined);
  } finally {
    await rm(claimPath, { force: true });
  }
}

/**
 * The live process that holds the project's run lock, read without waiting for or taking it;
 * undefined when none does (no lock, a half-written one, or one left by a dead process).
 */
export async function liveLockHolder(root: string): Promise<{ readonly pid: number; readonly startedAt: string } | undefined> {
  const current = await readLockFile(projectLockPath(root)).catch(() => undefined);
  const holder = current === undefined ? undefined : parseLockContent(current.text);
  if (holder === undefined || holder.pid === process.pid || !isHolderAlive(holder)) return undefined;
  return { pid: holder.pid, startedAt: holder.startedAt };
}

export async function readLockFile(lockPath: string): Promise<{ text: string; ageMs: number } | undefined> {
  try {
    const [text, info] = await Promise.all([readFile(lockPath, 'utf8'), stat(lockPath)]);
    return { text, ageMs: Date.now() - info.mtimeMs };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/**
 * Whether the lock's owner still runs. Whatever cannot be told counts as alive: taking over a
 * live run's lock would let two runs write the same outputs.
 */
function isHolderAlive(holder: LockContent): boolean {
  if (!isProcessAlive(holder.pid)) return false;
  // Start ticks count from boot and are exact, so they hold when the wall clock jumps.
  if (holder.startTicks !== undefined) {
    const ticks = processStartTicks(holder.pid);
    return ticks === undefined || ticks === holder.startTicks;
  }
  const lockedAt = Date.parse(holder.startedAt);
  const started = processStartMs(holder.pid);
  return Number.isNaN(lockedAt) || started === undefined || started <= lockedAt + START_TIME_SLACK_MS;
}

/** Whether the guard of a dead owner is still stopping its stages (it exits within seconds). */
function isGuardAlive(holder: LockContent): boolean {
  const guard = holder.guard;
  return guard !== undefined && isProcessAlive(guard.pid) && processStartTicks(guard.pid) === guard.startTicks;
}

export function parseLockContent(text: string): LockContent | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockContent>;
    if (typeof value.pid === 'number' && typeof value.token === 'string' && typeof value.startedAt === 'string') {
      const startTicks = typeof value.startTicks === 'number' ? { startTicks: value.startTicks } : {};
      const g = value.guard;
      const guard = typeof g?.pid === 'number' && typeof g.startTicks === 'number' ? { guard: { pid: g.pid, startTicks: g.startTicks } } : {};
      return { pid: value.pid, token: value.token, startedAt: value.startedAt, ...startTicks, ...guard };
    }
  } catch {
    // Half-written or foreign content: the caller decides by the file's age.
  }
  return undefined;
}

function busy(holder: LockContent, lockPath: string): ProjectBusy {
  if (!isHolderAlive(holder) && holder.guard !== undefined) {
    return {
      holderPid: holder.pid,
      message: `the stages of a dagmake run that was killed (pid ${holder.pid}) are still being stopped (by pid ${holder.guard.pid})`,
      hint: 'Run again in a few seconds: a stage gets 5 s to exit after SIGTERM before it is killed.',
    };
  }
  return {
    holderPid: holder.pid,
    message: `another dagmake run (pid ${holder.pid}, started ${holder.startedAt}) is already running in this project`,
    hint: `Wait for it to finish or stop it, then run again (the lock is ${lockPath}; a lock left by a process that no longer exists is taken over automatically).`,
  };
}
