import { processStatFields } from '../process-start.js';

/**
 * Whether a process with this pid exists (EPERM means it exists but belongs to someone else). A
 * zombie does not count: a killed process stays one until its parent reaps it, and in a
 * container whose first process never reaps, that is for good.
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** Field 3 of /proc/PID/stat (Linux); elsewhere nothing is known and the process counts as alive. */
function isZombie(pid: number): boolean {
  const state = processStatFields(pid)?.[0];
  return state === 'Z' || state === 'X';
}
