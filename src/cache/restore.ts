// Copies objects out of the store into the workspace. Everything is built in a temp sibling of
// the destination and renamed into place, so an interrupted restore never leaves a half-written
// out, and a missing, wrong-sized or (with verify) corrupt object fails the restore untouched.
// The temp names are short and fixed (an out's own name may already be as long as names go), and
// each restore records them in a marker in the cache's tmp/ for as long as it runs, so the
// sweep at the next open removes what a killed process left in the workspace.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fail, ok, type Diagnostic, type Result } from '../errors.js';
import { RESTORE_MARKER_SUFFIX, tempName, WORKSPACE_TEMP_PREFIX } from './cache-layout.js';
import { copyOut } from './copy-out.js';
import type { ObjectKind, ObjectStore } from './object-store.js';

export interface RestoreOptions {
  /** Re-hash every restored file and reject content that does not match its name. */
  readonly verify?: boolean;
  /** Expected size of a single-file object (directories carry sizes in their tree). */
  readonly size?: number;
  /** Whether a single file is restored executable (directories carry modes in their tree). */
  readonly executable?: boolean;
}

export interface RestoreStats {
  readonly files: number;
  readonly bytes: number;
}

interface PlannedFile {
  /** Relative to the destination; '' for a single-file restore. */
  readonly path: string;
  readonly hash: string;
  readonly size?: number;
  readonly executable: boolean;
}

const HINT = 'The cache no longer holds this content; run the producing stage again to recreate it.';

export async function restoreFromStore(
  store: ObjectStore,
  hash: string,
  kind: ObjectKind,
  destAbs: string,
  options: RestoreOptions,
): Promise<Result<RestoreStats, Diagnostic[]>> {
  const plan = await planRestore(store, hash, kind, options.size, options.executable ?? false);
  if (!plan.ok) return plan;
  try {
    mkdirSync(dirname(destAbs), { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOTDIR' && code !== 'EEXIST') throw error;
    return fail([{ message: `cannot restore ${destAbs}: a file stands where one of its parent directories belongs`, hint: 'move that file away' }]);
  }
  const staging = join(dirname(destAbs), `${WORKSPACE_TEMP_PREFIX}restore-${tempName()}`);
  const aside = join(dirname(destAbs), `${WORKSPACE_TEMP_PREFIX}old-${tempName()}`);
  const marker = markRestore(store.layout.tempPath(RESTORE_MARKER_SUFFIX), [staging, aside]);
  const problems: Diagnostic[] = [];
  try {
    if (kind === 'dir') {
      mkdirSync(staging);
      const dirs = new Set(plan.value.map((file) => dirname(join(staging, file.path))));
      for (const dir of [...dirs].sort()) mkdirSync(dir, { recursive: true });
    }
    const jobs = plan.value.map((file) => ({
      src: store.objectPath(file.hash),
      dst: file.path === '' ? staging : join(staging, file.path),
      size: file.size,
      mode: file.executable ? 0o755 : 0o644,
      hash: file.hash,
    }));
    const outcomes = await copyOut(jobs, options.verify ?? false);
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome === null) continue;
      const file = plan.value[i]!;
      const what = `cache object ${short(file.hash)} for ${describe(destAbs, file)}`;
      if (outcome.kind === 'missing') problems.push(problem(`${what} is missing`));
      else if (outcome.kind === 'size') problems.push(problem(`${what} has ${outcome.actual} bytes, expected ${file.size}`));
      else {
        await store.evict(file.hash);
        problems.push(problem(`${what} is corrupt (content does not match its hash)`));
      }
    }
    if (problems.length > 0) {
      await rm(staging, { recursive: true, force: true });
      return fail(problems);
    }
    await swapIntoPlace(staging, destAbs, aside);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  } finally {
    if (marker !== undefined) rmSync(marker, { force: true });
  }
  return ok({ files: plan.value.length, bytes: plan.value.reduce((sum, f) => sum + (f.size ?? 0), 0) });
}

async function planRestore(
  store: ObjectStore,
  hash: string,
  kind: ObjectKind,
  size: number | undefined,
  executable: boolean,
): Promise<Result<PlannedFile[], Diagnostic[]>> {
  if (kind === 'file') return ok([{ path: '', hash, size, executable }]);
  const entries = await store.readTree(hash);
  if (entries === undefined) return fail([problem(`cache tree object ${short(hash)} is missing or corrupt`)]);
  return ok(entries.map((e) => ({ path: e.path, hash: e.hash, size: e.size, executable: e.executable })));
}

/** Replaces whatever is at `dest` by `staging`; the old content is moved aside before removal. */
async function swapIntoPlace(staging: string, dest: string, aside: string): Promise<void> {
  const existing = await stat(dest).catch(() => undefined);
  if (existing === undefined) {
    await rename(staging, dest);
    return;
  }
  await rename(dest, aside);
  await rename(staging, dest);
  await rm(aside, { recursive: true, force: true });
}

/** Writes the marker; a cache that cannot be written still restores, only without the cleanup. */
function markRestore(marker: string, paths: readonly string[]): string | undefined {
  try {
    writeFileSync(marker, JSON.stringify(paths));
    return marker;
  } catch {
    return undefined;
  }
}

function describe(destAbs: string, file: PlannedFile): string {
  return file.path === '' ? destAbs : join(destAbs, file.path);
}

const short = (hash: string): string => hash.slice(0, 12);

const problem = (message: string): Diagnostic => ({ message, hint: HINT });
