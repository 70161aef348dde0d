// Paths in pipeline.yaml are project-relative; the engine sees them in one canonical POSIX form.
import path from 'node:path';

export type PathCheck = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly message: string; readonly hint: string };

const ROOT_HINT = 'use a path relative to the project root (the directory of pipeline.yaml)';

/** `./data/raw/` → `data/raw`; rejects absolute paths and paths leaving the project. */
export function normalizeProjectPath(raw: string): PathCheck {
  if (raw.trim() === '') return { ok: false, message: 'empty path', hint: ROOT_HINT };
  if (path.posix.isAbsolute(raw) || path.win32.isAbsolute(raw)) {
    return { ok: false, message: `absolute path "${raw}" is not allowed`, hint: ROOT_HINT };
  }
  const normalized = path.posix.normalize(raw).replace(/\/+$/, '');
  if (normalized === '..' || normalized.startsWith('../')) {
    return { ok: false, message: `path "${raw}" is outside the project root`, hint: ROOT_HINT };
  }
  return { ok: true, path: normalized === '' ? '.' : normalized };
}

/** True when `inner` lies strictly inside directory `outer` (both normalised). */
export function isInside(inner: string, outer: string): boolean {
  return outer === '.' ? inner !== '.' : inner.startsWith(`${outer}/`);
}
