// Whether another process holds the project's run lock, for commands that only read the project
// and must neither wait for nor take that lock.
import { liveLockHolder } from './project-mutex.js';

export interface RunInProgress {
  readonly pid: number;
  readonly startedAt: string;
}

export const runInProgress = (root: string): Promise<RunInProgress | undefined> => liveLockHolder(root);

/** The line that comes before a status read while a run changes the project. */
export function describeRunInProgress(run: RunInProgress): string {
  return `a dagmake run (pid ${run.pid}, started ${run.startedAt}) is in progress in this project: the state below may change until it finishes`;
}
