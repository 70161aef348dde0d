// The shape of dagmake.lock: what each stage last ran with and produced.

/** A dep or out as recorded: `nfiles` is present only for directories. */
export interface LockedPath {
  /** Project-relative POSIX path. */
  readonly path: string;
  /** SHA-256 hex: file content, or the directory manifest hash. */
  readonly hash: string;
  /** Bytes: the file size, or the total over a directory's files. */
  readonly size: number;
  readonly nfiles?: number;
  /** A file whose executable bit is set (as DVC records it): a restore sets it again. */
  readonly isexec?: true;
}

export interface LockedStage {
  /** Hash of the stage definition. */
  readonly definition: string;
  readonly deps: readonly LockedPath[];
  /** params file → dotted key → value. */
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly outs: readonly LockedPath[];
}

export const LOCK_SCHEMA_VERSION = 1;

export interface LockFile {
  readonly schema: typeof LOCK_SCHEMA_VERSION;
  readonly stages: Readonly<Record<string, LockedStage>>;
}

export const LOCK_FILE_NAME = 'dagmake.lock';

export function emptyLock(): LockFile {
  return { schema: LOCK_SCHEMA_VERSION, stages: {} };
}
