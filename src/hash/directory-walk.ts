// Lists every file below a directory with its stat. Symlinks are followed (a link to a file
// counts as that file, a link to a directory is walked); dangling links, link cycles and
// special files (fifos, sockets, devices) and names that are not valid UTF-8 are errors. Nothing is
// ignored.
import type { BigIntStats, Dirent } from 'node:fs';
import { statSync } from 'node:fs';
import { lstatSync, readdirSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { setImmediate } from 'node:timers/promises';
import path from 'node:path';
import type { Diagnostic, Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import { isErrno } from '../lock/atomic-write.js';
import { findNonUtf8Name } from './non-utf8-names.js';

export interface WalkedFile {
  /** POSIX path relative to the walked directory. */
  readonly rel: string;
  readonly abs: string;
  readonly stat: BigIntStats;
}

class WalkProblem {
  constructor(readonly diagnostic: Diagnostic) {}
}

/** `display` is the directory as the user named it, for messages. */
export async function walkFiles(absDir: string, display: string): Promise<Result<WalkedFile[], Diagnostic[]>> {
  const files: WalkedFile[] = [];
  const rootStat = await stat(absDir, { bigint: true });
  try {
    await walk(absDir, '', new Set([identity(rootStat)]), { out: files, display, sinceYield: 0 });
  } catch (error) {
    if (error instanceof WalkProblem) return fail([error.diagnostic]);
    throw error;
  }
  return ok(files);
}

const identity = (s: BigIntStats): string => `${s.dev}:${s.ino}`;

// Synchronous stat calls, yielding to the event loop between batches: several times faster than
// one promise per file, which dominates the no-op path over thousands of files.
const YIELD_EVERY = 512;

interface WalkState {
  readonly out: WalkedFile[];
  readonly display: string;
  sinceYield: number;
}

async function walk(absDir: string, relDir: string, ancestors: ReadonlySet<string>, state: WalkState): Promise<void> {
  let dirents: Dirent[];
  try {
    dirents = readdirSync(absDir, { withFileTypes: true });
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return; // removed while we walked: it has no files
    throw problem(`cannot list ${shown(state.display, relDir)}: ${(error as Error).message}`);
  }
  let namesChecked = false;
  for (const dirent of dirents) {
    if (!namesChecked && dirent.name.includes('\uFFFD')) {
      namesChecked = true;
      rejectNonUtf8Name(absDir, relDir, state.display);
    }
    if (++state.sinceYield >= YIELD_EVERY) {
      state.sinceYield = 0;
      await setImmediate();
    }
    const abs = path.join(absDir, dirent.name);
    const rel = relDir === '' ? dirent.name : `${relDir}/${dirent.name}`;
    const s = statSync(abs, { bigint: true, throwIfNoEntry: false });
    if (!s) {
      if (!lstatSync(abs, { throwIfNoEntry: false })) continue; // removed while we walked
      throw problem(`${shown(state.display, rel)} is a dangling symlink`, 'fix or remove the link');
    }
    if (s.isFile()) {
      state.out.push({ rel, abs, stat: s });
    } else if (s.isDirectory()) {
      const id = identity(s);
      if (ancestors.has(id)) throw problem(`${shown(state.display, rel)} is a symlink to one of its own parent directories`, 'remove the link');
      await walk(abs, rel, new Set([...ancestors, id]), state);
    } else {
      throw problem(`${shown(state.display, rel)} is not a regular file or directory`, 'move special files (fifos, sockets, devices) out of tracked directories');
    }
  }
}

/** Reads the directory's names as bytes: the first one that is not UTF-8 ends the walk. */
function rejectNonUtf8Name(absDir: string, relDir: string, display: string): void {
  const bad = findNonUtf8Name(absDir);
  if (bad === undefined) return; // a valid name that holds U+FFFD itself
  throw problem(
    `${bad.directory ? 'directory' : 'file'} "${shown(display, relDir === '' ? bad.shown : `${relDir}/${bad.shown}`)}" in directory "${display}" ` +
      'has a name that is not valid UTF-8 (bad bytes shown as \\xNN); dagmake records names as UTF-8, so it can neither hash nor restore it: rename it',
  );
}

const shown = (display: string, rel: string): string => (rel === '' ? display : `${display}/${rel}`);

function problem(message: string, hint?: string): WalkProblem {
  return new WalkProblem(hint ? { message, hint } : { message });
}
