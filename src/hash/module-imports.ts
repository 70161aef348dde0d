// The import specifiers of one TypeScript/JavaScript module, found by TypeScript's own
// pre-processor (static and type-only imports, re-exports, literal dynamic imports, require),
// and the dynamic imports of computed local paths.
import { readFile } from 'node:fs/promises';
import { computedImports } from './computed-imports.js';
import type { ImportRef } from './stat-cache.js';

type TypeScript = typeof import('typescript');
let typescript: Promise<TypeScript> | undefined;

/** Loaded on first parse only: the no-op path (every module cached) never pays for it. */
export function loadTypeScript(): Promise<TypeScript> {
  typescript ??= import('typescript').then((m) => ((m as { default?: TypeScript }).default ?? m) as TypeScript);
  return typescript;
}

export async function parseModuleImports(absPath: string): Promise<ImportRef[]> {
  const [ts, text] = await Promise.all([loadTypeScript(), readFile(absPath, 'utf8')]);
  const info = ts.preProcessFile(text, true, true);
  const computed = computedImports(ts, absPath, text);
  // The pre-processor reads import('./dir/' + name) as an import of './dir/', placed where the
  // argument starts; the computed import stands for it.
  const literal = info.importedFiles
    .filter((ref) => !computed.argumentStarts.has(ref.pos))
    .map((ref): ImportRef => [ref.fileName, ...lineAndColumn(text, ref.pos)]);
  return [...literal, ...computed.refs];
}

/** 1-based line and column of an offset (TypeScript's own helper for this is internal). */
function lineAndColumn(text: string, offset: number): [number, number] {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return [line, offset - lineStart + 1];
}
