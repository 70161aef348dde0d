// The files a TypeScript stage module depends on: itself and every local module it imports,
// transitively, so editing a helper it imports makes the stage stale.
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import { Hasher, normalizeRelPath } from './hasher.js';
import { ImportAliases } from './import-aliases.js';

const isLocal = (specifier: string): boolean =>
  specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');

const TS_FOR_JS: Readonly<Record<string, readonly string[]>> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};
const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const INDEX_FILES = ['index.ts', 'index.tsx', 'index.mts', 'index.js', 'index.mjs'];

/** Candidate files for a specifier, in TypeScript's order of preference. */
export function resolutionCandidates(base: string): string[] {
  const ext = path.posix.extname(base);
  const stem = base.slice(0, base.length - ext.length);
  return [
    ...(TS_FOR_JS[ext] ?? []).map((e) => stem + e),
    base,
    ...EXTENSIONS.map((e) => base + e),
    ...INDEX_FILES.map((f) => `${base}/${f}`),
  ];
}

async function isFile(abs: string): Promise<boolean> {
  return stat(abs).then(
    (s) => s.isFile(),
    () => false,
  );
}

async function resolveFile(root: string, base: string): Promise<string | undefined> {
  for (const candidate of resolutionCandidates(base)) {
    if (await isFile(path.join(root, candidate))) return candidate;
  }
  return undefined;
}

async function resolveAlias(root: string, aliases: ImportAliases, fromFile: string, specifier: string): Promise<string | undefined> {
  for (const base of await aliases.targets(fromFile, specifier)) {
    const resolved = await resolveFile(root, base);
    if (resolved !== undefined) return resolved.split('/').includes('node_modules') ? undefined : resolved;
  }
  return undefined;
}

const JS_FOR_TS: Readonly<Record<string, string>> = { '.ts': '.js', '.tsx': '.js', '.mts': '.mjs', '.cts': '.cjs' };

/**
 * The modules a computed import can load: the files below the directory its literal start names
 * whose path begins with the rest of that start and ends with its literal end (a `.js` end also
 * matches the `.ts` file it is compiled from). Undefined when the directory does not exist.
 */
async function computedImportTargets(root: string, start: string, suffix: string): Promise<string[] | undefined> {
  const slash = start.lastIndexOf('/');
  const dir = path.posix.normalize(start.slice(0, slash + 1) || '.');
  const namePrefix = start.slice(slash + 1);
  let names: string[];
  try {
    names = await readdir(path.join(root, dir), { recursive: true });
  } catch {
    return undefined;
  }
  return names
    .map((name) => name.split(path.sep).join('/'))
    .filter((name) => !name.split('/').includes('node_modules') && name.startsWith(namePrefix))
    .filter((name) => {
      const ext = path.posix.extname(name);
      if (!EXTENSIONS.includes(ext) || name.endsWith('.d.ts')) return false;
      const asImported = JS_FOR_TS[ext] === undefined ? name : name.slice(0, -ext.length) + JS_FOR_TS[ext];
      return name.endsWith(suffix) || asImported.endsWith(suffix);
    })
    .map((name) => normalizeRelPath(path.posix.join(dir, name)))
    .sort();
}

/**
 * Sorted project-relative paths of the module and its local imports, also those named through
 * package.json `imports` or tsconfig `paths`. Package and `node:` imports are not followed.
 * Pass the run's Hasher to share its stat cache.
 */
export async function collectModuleFiles(entryRelPath: string, root: string, hasher?: Hasher): Promise<Result<string[], Diagnostic[]>> {
  const own = hasher ? undefined : await Hasher.open(root);
  const h = hasher ?? own!;
  try {
    return await collect(normalizeRelPath(entryRelPath), root, h);
  } finally {
    await own?.close();
  }
}

async function collect(entry: string, root: string, hasher: Hasher): Promise<Result<string[], Diagnostic[]>> {
  const seen = new Set<string>([entry]);
  const aliases = new ImportAliases(root);
  const problems: Diagnostic[] = [];
  let frontier = [entry];
  while (frontier.length > 0) {
    const next: string[] = [];
    await Promise.all(
      frontier.map(async (file) => {
        const hashed = await hasher.hashPath(file);
        if (hashed.kind !== 'file') {
          if (file === entry) problems.push({ message: `stage module ${file} not found`, hint: 'check the `uses:` path' });
          return;
        }
        for (const [specifier, line, col, suffix] of await hasher.moduleImports(file, hashed.hash)) {
          if (suffix !== undefined) {
            const reachable = await computedImportTargets(root, path.posix.join(path.posix.dirname(file), specifier), suffix);
            if (reachable === undefined) {
              problems.push({
                message: `cannot resolve the computed import of '${specifier}…${suffix}' in ${file}: no such directory`,
                location: { file, line, col },
                hint: 'fix the path the import is computed from: every module it can load is part of the stage',
              });
            }
            for (const target of reachable ?? []) {
              if (seen.has(target)) continue;
              seen.add(target);
              next.push(target);
            }
            continue;
          }
          if (!isLocal(specifier)) {
            // An alias of a project file is as much the stage's code as a relative import.
            const aliased = await resolveAlias(root, aliases, file, specifier);
            if (aliased !== undefined && !seen.has(aliased)) {
              seen.add(aliased);
              next.push(aliased);
            }
            continue;
          }
          const resolved = await resolveFile(root, path.posix.join(path.posix.dirname(file), specifier));
          if (resolved === undefined) {
            problems.push({
              message: `cannot resolve import '${specifier}' in ${file}`,
              location: { file, line, col },
              hint: 'fix the import path or create the missing module',
            });
          } else if (!seen.has(resolved)) {
            seen.add(resolved);
            next.push(resolved);
          }
        }
      }),
    );
    frontier = next;
  }
  const where = (d: Diagnostic): string => `${d.location?.file ?? ''}:${String(d.location?.line ?? 0).padStart(8, '0')}`;
  return problems.length > 0 ? fail(problems.sort((a, b) => (where(a) < where(b) ? -1 : 1))) : ok([...seen].sort());
}
