// What commands that only read the project (status, run --dry) say while another process holds its
// run lock (`liveLockHolder`): they neither wait for nor take that lock.

/** The line that comes before a status read while a run changes the project. */
export function describeRunInProgress(run: { readonly pid: number; readonly startedAt: string }): string {
  return `a dagmake run (pid ${run.pid}, started ${run.startedAt}) is in progress in this project: the state below may change until it finishes`;
}
