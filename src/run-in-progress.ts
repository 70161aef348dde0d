// Whether another process holds the project's run lock (src/project-mutex.ts), for commands that
// only read the project and must neither wait for nor take that lock.
import { readFile } from 'node:fs/promises';
import { isProcessAlive } from './cache/process-alive.js';
import { projectLockPath } from './project-mutex.js';

export interface RunInProgress {
  readonly pid: number;
  readonly startedAt?: string;
}

export async function runInProgress(root: string): Promise<RunInProgress | undefined> {
  let value: { pid?: unknown; startedAt?: unknown };
  try {
    value = JSON.parse(await readFile(projectLockPath(root), 'utf8')) as typeof value;
  } catch {
    // No lock, or one half-written: a run that just started or just ended reads the same as none.
    return undefined;
  }
  const pid = value?.pid;
  // A lock left by a dead process is taken over by the next run: nothing is in progress.
  if (typeof pid !== 'number' || pid === process.pid || !isProcessAlive(pid)) return undefined;
  return typeof value.startedAt === 'string' ? { pid, startedAt: value.startedAt } : { pid };
}

/** The line that comes before a status read while a run changes the project. */
export function describeRunInProgress(run: RunInProgress): string {
  const since = run.startedAt === undefined ? '' : `, started ${run.startedAt}`;
  return `a dagmake run (pid ${run.pid}${since}) is in progress in this project: the state below may change until it finishes`;
}
