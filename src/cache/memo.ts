// StageContext.memo: sub-stage units (e.g. HPO trials) cached by a user key. A unit's files are
// stored as a tree in the object store and its JSON value in `memo/<key[:2]>/<key>.json`.
import { mkdir, rm } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { z } from 'zod';
import type { MemoOptions, MemoResult, StageContext } from '../stage-api.js';
import { writeFileAtomic } from './atomic-write.js';
import { listEntries, readEntry, type EntryFile } from './entry-files.js';
import { memoKey } from './memo-key.js';
import type { ObjectStore } from './object-store.js';
import { Semaphore } from './semaphore.js';

export const memoEntrySchema = z.object({
  tree: z.string().regex(/^[0-9a-f]{64}$/),
  value: z.unknown().optional(),
  /** Epoch milliseconds. */
  createdAt: z.number(),
  runId: z.string(),
  /** Epoch milliseconds of the last run that reused the entry. */
  usedAt: z.number().optional(),
});

export type MemoEntry = z.infer<typeof memoEntrySchema>;

export type MemoTaskState = 'queued' | 'running' | 'hit' | 'done' | 'failed';

export interface MemoTaskEvent {
  readonly task: string;
  readonly state: MemoTaskState;
}

export interface CreateMemoOptions {
  readonly store: ObjectStore;
  /** Absolute project root; `options.dir` of each unit is resolved against it. */
  readonly root: string;
  /** CPU slots shared by all units of this memo (ignored when `semaphore` is given). */
  readonly concurrency: number;
  /** Share slots with other work (e.g. the engine's `-j` slots) instead of a private pool. */
  readonly semaphore?: Semaphore;
  /** Recorded in entries so gc can keep what recent runs used. */
  readonly runId?: string;
  /**
   * The stage the units belong to: its code version is part of every key (changed code never
   * reuses a unit), and each unit's dir must lie inside one of its outs (a unit never writes into
   * files the stage does not own). Without it, keys are the user's alone and dirs are unchecked.
   */
  readonly scope?: { readonly code: string; readonly outs: readonly string[] };
  onTask?(event: MemoTaskEvent): void;
}

export { memoKey } from './memo-key.js';

export function createMemo(options: CreateMemoOptions): StageContext['memo'] {
  const { store, root } = options;
  const slots = options.semaphore ?? new Semaphore(Math.max(1, Math.floor(options.concurrency)));
  // Units with the same key run one after the other, so the second one is a cache hit.
  const inFlight = new Map<string, Promise<unknown>>();
  const emit = (task: string, state: MemoTaskState): void => options.onTask?.({ task, state });
  // The unit writing each directory now: two units writing one directory at once would each
  // store the other's files as their own.
  const busyDirs = new Map<string, string>();
  const claimDir = (dir: string, unitDir: string, task: string): (() => void) => {
    const holder = busyDirs.get(dir);
    if (holder !== undefined) {
      throw new Error(
        `memo dir ${JSON.stringify(unitDir)} of unit "${task}" is in use by unit "${holder}", which runs at the same time; ` +
          'give units that may run at once a directory each',
      );
    }
    busyDirs.set(dir, task);
    return () => busyDirs.delete(dir);
  };

  async function runUnit<T>(key: string, unit: MemoOptions, compute: (dir: string) => Promise<T>): Promise<MemoResult<T>> {
    const dir = resolveUnitDir(root, unit.dir, options.scope?.outs);
    const task = unit.label ?? unit.dir;
    const entryPath = store.layout.memoEntryPath(key);
    emit(task, 'queued');
    const cached = await readEntry(entryPath, async () => memoEntrySchema);
    if (cached !== undefined) {
      const free = claimDir(dir, unit.dir, task);
      try {
        if ((await store.restore(cached.tree, 'dir', dir)).ok) {
          await writeFileAtomic(store.layout, entryPath, serialize({ ...cached, runId: options.runId ?? cached.runId, usedAt: Date.now() }));
          emit(task, 'hit');
          return { dir, value: cached.value as T, hit: true };
        }
      } finally {
        free();
      }
    }
    const release = await slots.acquire(unit.cpu ?? 1);
    let free: (() => void) | undefined;
    try {
      free = claimDir(dir, unit.dir, task);
      emit(task, 'running');
      await rm(dir, { recursive: true, force: true });
      await mkdir(dir, { recursive: true });
      // Round-trip through JSON so a fresh result looks exactly like a restored one.
      const computed = await compute(dir);
      const value = (computed === undefined ? computed : JSON.parse(JSON.stringify(computed))) as T;
      const digest = await store.addTree(dir);
      await writeFileAtomic(store.layout, entryPath, serialize({ tree: digest.hash, value, createdAt: Date.now(), runId: options.runId ?? '' }));
      emit(task, 'done');
      return { dir, value, hit: false };
    } catch (error) {
      emit(task, 'failed');
      throw error;
    } finally {
      free?.();
      release();
    }
  }

  return <T>(userKey: unknown, unit: MemoOptions, compute: (dir: string) => Promise<T>): Promise<MemoResult<T>> => {
    let key: string;
    try {
      key = memoKey(userKey, options.scope?.code);
    } catch (error) {
      return Promise.reject(error);
    }
    const previous = inFlight.get(key) ?? Promise.resolve();
    const current = previous.then(
      () => runUnit(key, unit, compute),
      () => runUnit(key, unit, compute),
    );
    inFlight.set(key, current);
    const forget = (): void => {
      if (inFlight.get(key) === current) inFlight.delete(key);
    };
    current.then(forget, forget);
    return current;
  };
}

export function listMemoEntries(store: ObjectStore): Promise<EntryFile<MemoEntry>[]> {
  return listEntries(store.layout.memoDir, async () => memoEntrySchema);
}

/**
 * The unit's absolute directory; it is emptied on a miss, so it must lie strictly inside the
 * project and, for a stage, inside one of the stage's outs.
 */
function resolveUnitDir(root: string, dir: string, outs: readonly string[] | undefined): string {
  const abs = resolve(root, dir);
  const rel = relative(root, abs);
  if (isAbsolute(dir) || rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    throw new Error(`memo dir must be a project-relative path below the project root, got ${JSON.stringify(dir)}`);
  }
  const unit = rel.split(sep).join('/');
  if (outs !== undefined && !outs.some((out) => out === '.' || unit === out || unit.startsWith(`${out}/`))) {
    throw new Error(
      `memo dir ${JSON.stringify(dir)} is not inside a non-persistent out of this stage (${outs.join(', ') || 'none'}); ` +
        'a unit empties and writes that directory, so put it under one of those outs',
    );
  }
  return abs;
}

const serialize = (entry: MemoEntry): string => `${JSON.stringify(entry, null, 2)}\n`;
