// Every lock of a project, whichever pipeline file it belongs to: what gc must keep is what any of
// them references, not only the lock of the pipeline file it was started with.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import { isErrno } from './atomic-write.js';
import { STATE_DIR, applyJournal, readJournal } from './journal.js';
import { readLock } from './lock-file.js';
import { isLockFileName, lockFileOfJournal } from './lock-location.js';
import type { LockFile } from './types.js';

/** The names of the project's lock files, sorted: those on disk and those only a journal has so far. */
export async function projectLockFiles(root: string): Promise<string[]> {
  const [rootNames, stateNames] = await Promise.all([listNames(root), listNames(path.join(root, STATE_DIR))]);
  const lockFiles = new Set(rootNames.filter(isLockFileName));
  for (const name of stateNames) {
    const lockFile = lockFileOfJournal(name);
    if (lockFile !== undefined) lockFiles.add(lockFile);
  }
  return [...lockFiles].sort();
}

/** Each lock file with its journal applied; a journal whose lock was never written counts as one. */
export async function readProjectLocks(root: string, except?: string): Promise<Result<{ lockFile: string; lock: LockFile }[], Diagnostic[]>> {
  const locks: { lockFile: string; lock: LockFile }[] = [];
  const problems: Diagnostic[] = [];
  for (const lockFile of await projectLockFiles(root)) {
    if (lockFile === except) continue;
    const [lock, journal] = await Promise.all([readLock(root, lockFile), readJournal(root, lockFile)]);
    if (!lock.ok) problems.push(...lock.error);
    if (!journal.ok) problems.push(...journal.error);
    if (lock.ok && journal.ok) locks.push({ lockFile, lock: applyJournal(lock.value, journal.value) });
  }
  return problems.length > 0 ? fail(problems) : ok(locks);
}

async function listNames(dir: string): Promise<string[]> {
  try {
    return await readdir(dir);
  } catch (error) {
    if (isErrno(error, 'ENOENT', 'ENOTDIR')) return [];
    throw error;
  }
}
