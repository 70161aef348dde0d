// A pipeline's view of its own lock: the lock file with its journal applied, the entries of stages
// the pipeline no longer has (its next run drops them), and what a pipeline whose lock does not
// exist yet takes over from dagmake.lock, which every pipeline file of a project used to share.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, Result } from '../errors.js';
import { ok } from '../errors.js';
import { isErrno } from './atomic-write.js';
import { applyJournal, readJournal } from './journal.js';
import { lockPath, readLock } from './lock-file.js';
import { lockFileFor } from './lock-location.js';
import type { LockFile, LockedStage } from './types.js';
import { LOCK_FILE_NAME } from './types.js';

/** What a lock needs to know of its pipeline (a loaded Pipeline is one). */
export interface LockOwner {
  /** Absolute path of the pipeline file; its directory is the project root. */
  readonly file: string;
  readonly stages: readonly { readonly name: string }[];
}

export interface PipelineLock {
  /** The lock's name in the project root. */
  readonly lockFile: string;
  /** What the pipeline's next run starts from, the entries of removed stages included. */
  readonly lock: LockFile;
  /** Stages with an entry that the pipeline no longer has, sorted. */
  readonly removed: readonly string[];
}

/** Read only: the lock file and journal stay as they are. */
export async function readPipelineLock(owner: LockOwner): Promise<Result<PipelineLock, Diagnostic[]>> {
  const root = path.dirname(owner.file);
  const lockFile = lockFileFor(owner.file);
  const names = stageNames(owner);
  const taken = await takeOverEntries(root, lockFile, names);
  if (!taken.ok) return taken;
  const lock = taken.value === undefined ? await readLock(root, lockFile) : ok(taken.value);
  if (!lock.ok) return lock;
  const journal = await readJournal(root, lockFile);
  if (!journal.ok) return journal;
  const current = applyJournal(lock.value, journal.value);
  return ok({ lockFile, lock: current, removed: removedStages(current, names) });
}

export function stageNames(owner: LockOwner): Set<string> {
  return new Set(owner.stages.map((stage) => stage.name));
}

export function removedStages(lock: LockFile, names: ReadonlySet<string>): string[] {
  return Object.keys(lock.stages)
    .filter((name) => !names.has(name))
    .sort();
}

/**
 * For a pipeline other than pipeline.yaml whose lock does not exist yet: its stages' entries in
 * dagmake.lock (with that lock's journal applied), which held every pipeline's entries before each
 * pipeline file had a lock of its own. They are copied, never moved, so nothing is lost whichever
 * pipeline runs first; undefined when there is nothing to take over.
 */
export async function takeOverEntries(root: string, lockFile: string, names: ReadonlySet<string>): Promise<Result<LockFile | undefined, Diagnostic[]>> {
  if (lockFile === LOCK_FILE_NAME || (await exists(lockPath(root, lockFile)))) return ok(undefined);
  if (!(await exists(lockPath(root)))) return ok(undefined);
  const shared = await readLock(root);
  if (!shared.ok) return shared;
  const journal = await readJournal(root);
  if (!journal.ok) return journal;
  const stages: Record<string, LockedStage> = {};
  for (const [name, locked] of Object.entries(applyJournal(shared.value, journal.value).stages)) {
    if (names.has(name)) stages[name] = locked;
  }
  return Object.keys(stages).length === 0 ? ok(undefined) : ok({ schema: shared.value.schema, stages });
}

async function exists(file: string): Promise<boolean> {
  try {
    await stat(file);
    return true;
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return false;
    throw error;
  }
}
