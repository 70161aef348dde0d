// Which lock belongs to which pipeline file. Each pipeline file has a lock of its own beside it,
// as each dvc.yaml has its dvc.lock: every entry in a lock is then its pipeline's own, so a run can
// drop the entries of stages its pipeline no longer has without guessing whose they are.
// pipeline.yaml keeps dagmake.lock; any other NAME.yaml (or .yml) gets NAME.dagmake.lock rather
// than NAME.lock, a name no other tool's lock (poetry.lock, yarn.lock, …) can have and that gc
// can find among a project's files without reading any pipeline.
import path from 'node:path';
import { LOCK_FILE_NAME } from './types.js';

/** The pipeline file dagmake reads when none is named. */
export const DEFAULT_PIPELINE_FILE = 'pipeline.yaml';
const LOCK_SUFFIX = '.dagmake.lock';
const JOURNAL_PREFIX = 'journal.';
const JOURNAL_SUFFIX = '.ndjson';

/** The lock's file name, in the pipeline file's directory (the project root). */
export function lockFileFor(pipelineFile: string): string {
  const name = path.basename(pipelineFile);
  if (name === DEFAULT_PIPELINE_FILE) return LOCK_FILE_NAME;
  return `${name.replace(/\.ya?ml$/, '')}${LOCK_SUFFIX}`;
}

/** The pipeline file a lock belongs to, without its .yaml/.yml ending; undefined for dagmake.lock. */
export function pipelineStemOf(lockFile: string): string | undefined {
  return lockFile !== LOCK_FILE_NAME && lockFile.endsWith(LOCK_SUFFIX) ? lockFile.slice(0, -LOCK_SUFFIX.length) : undefined;
}

/** The names the pipeline file a lock belongs to can have: NAME.yaml and NAME.yml share NAME.dagmake.lock. */
export function pipelineFilesOf(lockFile: string): string[] {
  const stem = pipelineStemOf(lockFile);
  return stem === undefined ? [DEFAULT_PIPELINE_FILE] : [`${stem}.yaml`, `${stem}.yml`];
}

/** Whether a project-relative path is the lock of some pipeline file of the project. */
export function isLockFileName(relative: string): boolean {
  return relative === LOCK_FILE_NAME || (!relative.includes('/') && relative.endsWith(LOCK_SUFFIX));
}

/** The name of the lock's journal inside the state directory. */
export function journalFileFor(lockFile: string): string {
  // dagmake.lock keeps the journal name it always had: a crashed run's leftovers are still folded.
  return lockFile === LOCK_FILE_NAME ? `journal${JOURNAL_SUFFIX}` : `${JOURNAL_PREFIX}${lockFile}${JOURNAL_SUFFIX}`;
}

/** The lock a journal file (by name) belongs to, or undefined when the name is no journal's. */
export function lockFileOfJournal(journalFile: string): string | undefined {
  if (journalFile === journalFileFor(LOCK_FILE_NAME)) return LOCK_FILE_NAME;
  if (!journalFile.startsWith(JOURNAL_PREFIX) || !journalFile.endsWith(JOURNAL_SUFFIX)) return undefined;
  const lockFile = journalFile.slice(JOURNAL_PREFIX.length, -JOURNAL_SUFFIX.length);
  return isLockFileName(lockFile) ? lockFile : undefined;
}
