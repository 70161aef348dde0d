// The cache refused a write (read-only, full, not a directory): the error names the file that
// could not be written, why, and what the user can do, instead of a bare errno message.
import path from 'node:path';

const UNWRITABLE_HINT = 'make cache/ writable (it may be a link to a writable directory elsewhere), or mark the out "cache: false"';
const FULL_HINT =
  'free space on the disk that holds cache/ ("dagmake gc --max-size SIZE" drops the outputs of older runs), ' +
  'or set DAGMAKE_CACHE_DIR to a directory on a bigger disk';

export class CacheWriteError extends Error {
  readonly hint: string;

  constructor(
    /** What could not be written, relative to the directory holding the cache (`cache/tmp/…`). */
    readonly target: string,
    /** The errno code and its description, e.g. `EACCES: permission denied`. */
    readonly reason: string,
    options: { cause: unknown },
  ) {
    super(`cannot write ${target} (${reason})`, options);
    this.name = 'CacheWriteError';
    // A full disk or quota is not fixed by permissions.
    this.hint = /^(ENOSPC|EDQUOT|EFBIG)\b/.test(reason) ? FULL_HINT : UNWRITABLE_HINT;
  }
}

/** `error` as a CacheWriteError when it is a file-system refusal, else unchanged. */
export function asCacheWriteError(error: unknown, cacheDir: string, fallbackTarget: string): unknown {
  if (error instanceof CacheWriteError) return error;
  const errno = error as NodeJS.ErrnoException & { dest?: string };
  if (typeof errno?.code !== 'string' || typeof errno.message !== 'string') return error;
  // A copy or rename into the cache names the cache side `dest`; other calls name their one path.
  const written = errno.dest ?? (errno.syscall === 'copyfile' ? undefined : errno.path) ?? fallbackTarget;
  const shown = path.relative(path.dirname(cacheDir), written);
  const reason = errno.message.split(',')[0]!;
  return new CacheWriteError(shown.startsWith('..') ? written : shown, reason, { cause: error });
}
