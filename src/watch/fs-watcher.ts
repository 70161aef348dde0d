// File system notifications for the watched paths. The project root is watched, but chokidar only
// descends into directories on the way to a watched path, so outputs and caches are never scanned.
import { watch, type FSWatcher } from 'chokidar';
import path from 'node:path';

export interface FsWatcher {
  close(): Promise<void>;
}

export interface FsWatcherOptions {
  readonly root: string;
  /** Project-relative POSIX path → whether to look at it (and, for a directory, inside it). */
  isWatched(rel: string): boolean;
  /** A path that may have changed (created, written, renamed or removed). */
  onPath(rel: string): void;
  onError(error: Error): void;
}

/** Resolves once the initial scan is done: from then on every change is reported. */
export async function startFsWatcher(options: FsWatcherOptions): Promise<FsWatcher> {
  const toRel = (abs: string): string => path.relative(options.root, abs).split(path.sep).join('/');
  const watcher: FSWatcher = watch(options.root, {
    ignoreInitial: true,
    ignored: (abs: string) => !options.isWatched(toRel(abs)),
    // Our own content check confirms each change; chokidar's atomic-save folding only adds delay.
    atomic: false,
  });
  watcher.on('all', (_event, abs) => options.onPath(toRel(abs)));
  // chokidar drops some changes of a file (same mtime as it last saw, or a read just after the
  // write); the raw notifications are all there, and each path is confirmed by content anyway.
  watcher.on('raw', (_event, name, details) => {
    const watched = (details as { watchedPath?: unknown } | undefined)?.watchedPath;
    if (typeof watched !== 'string') return;
    if (typeof name === 'string' && name !== '') {
      const inside = toRel(path.join(watched, name));
      if (options.isWatched(inside)) options.onPath(inside);
      if (name !== path.basename(watched)) return;
    }
    const own = toRel(watched);
    if (own !== '' && options.isWatched(own)) options.onPath(own);
  });
  watcher.on('error', (error) => options.onError(error instanceof Error ? error : new Error(String(error))));
  await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
  return { close: () => watcher.close() };
}
