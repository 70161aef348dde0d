// dagmake.lock and the other pipeline files' locks: YAML meant to be committed and diffed, so
// their bytes depend on content only (sorted stages, paths and keys; no timestamps). The YAML
// library and the schema library are loaded (lock-yaml.ts) only to parse a lock that the parse
// memo does not know, or to print one that plain-lock-text.ts cannot: together they are most of
// the modules a no-op run would load.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import { canonicalize } from '../hash/canonical-json.js';
import { readParseMemo, writeParseMemo } from '../parse-memo.js';
import { isErrno, writeFileAtomicIfChanged } from './atomic-write.js';
import { plainLockText } from './plain-lock-text.js';
import type { LockFile, LockedPath, LockedStage } from './types.js';
import { LOCK_FILE_NAME, LOCK_SCHEMA_VERSION, emptyLock } from './types.js';

/** `lockFile` is the lock's name in the project root (lock-location.ts says whose it is). */
export function lockPath(root: string, lockFile = LOCK_FILE_NAME): string {
  return path.join(root, lockFile);
}

/** Parsed locks are remembered per lock, so that alternating pipelines do not evict each other. */
const memoName = (lockFile: string): string => (lockFile === LOCK_FILE_NAME ? 'lock' : `lock.${lockFile}`);

const byPath = (a: LockedPath, b: LockedPath): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The canonical form of a stage: sorted deps, outs, params files and keys. */
export function normalizeStage(stage: LockedStage): LockedStage {
  const cleanPath = (p: LockedPath): LockedPath =>
    p.nfiles === undefined
      ? { path: p.path, hash: p.hash, size: p.size, ...(p.isexec === true && { isexec: true }) }
      : { path: p.path, hash: p.hash, size: p.size, nfiles: p.nfiles };
  return {
    definition: stage.definition,
    deps: stage.deps.map(cleanPath).sort(byPath),
    params: canonicalize(stage.params) as LockedStage['params'],
    outs: stage.outs.map(cleanPath).sort(byPath),
  };
}

/** The lock's stages sorted by name, each normalized. */
function sortedStages(lock: LockFile): { names: string[]; stages: Record<string, LockedStage> } {
  const names = Object.keys(lock.stages).sort();
  const stages: Record<string, LockedStage> = {};
  for (const name of names) stages[name] = normalizeStage(lock.stages[name]!);
  return { names, stages };
}

/** The lock's text, and the lock it reads back as (stages sorted, each normalized). */
async function renderLock(lock: LockFile): Promise<{ text: string; normalized: LockFile }> {
  const { names, stages } = sortedStages(lock);
  const normalized: LockFile = { schema: LOCK_SCHEMA_VERSION, stages };
  const plain = plainLockText(normalized);
  if (plain !== undefined) return { text: plain, normalized };
  const { yamlLockText } = await import('./lock-yaml.js');
  return { text: yamlLockText(names, stages), normalized };
}

/** The lock file's text. */
export async function lockText(lock: LockFile): Promise<string> {
  return (await renderLock(lock)).text;
}

/** A missing lock file is an empty lock: nothing has run yet. */
export async function readLock(root: string, lockFile = LOCK_FILE_NAME): Promise<Result<LockFile, Diagnostic[]>> {
  let text: string;
  try {
    text = await readFile(lockPath(root, lockFile), 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return ok(emptyLock());
    const reason = error instanceof Error ? error.message : String(error);
    return fail([{ message: `cannot read ${lockFile}: ${reason}`, hint: 'check the file permissions' }]);
  }
  const memo = await readParseMemo<LockFile>(root, memoName(lockFile), text);
  if (memo) return ok(memo);
  const { parseLock } = await import('./lock-yaml.js');
  const parsed = parseLock(text, lockFile);
  if (parsed.ok) await writeParseMemo(root, memoName(lockFile), text, parsed.value);
  return parsed;
}

/** Atomic; leaves the file untouched when its bytes would not change. Returns whether it wrote. */
export async function writeLock(root: string, lock: LockFile, lockFile = LOCK_FILE_NAME): Promise<boolean> {
  const { text, normalized } = await renderLock(lock);
  const wrote = await writeFileAtomicIfChanged(lockPath(root, lockFile), text);
  // The next run reads this text back: remembering its parse spares that run the YAML and schema
  // libraries. Unchanged bytes were read this run, which left their memo already. The memo is
  // keyed by the text, so a crash between the two writes only loses it.
  if (wrote) await writeParseMemo(root, memoName(lockFile), text, normalized);
  return wrote;
}
