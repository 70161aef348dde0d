// Bare specifiers that name project files rather than packages: package.json `imports` (`#lib/x`,
// resolved by Node itself) and tsconfig `paths` (`@lib/x`, resolved by tsx, which loads stages).
// Each gives the project-relative paths to try, in order; a package is left alone.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadTypeScript } from './module-imports.js';

type PathsMap = Readonly<Record<string, readonly string[]>>;

/** The conditions a stage module is imported under. */
const CONDITIONS = new Set(['import', 'node', 'default', 'module-sync']);

export class ImportAliases {
  readonly #packageJsons = new Map<string, Promise<unknown>>();
  #tsconfigPaths: Promise<{ base: string; paths: PathsMap } | undefined> | undefined;

  constructor(private readonly root: string) {}

  /** Project-relative candidate bases for a bare specifier imported by `fromFile`; none for a package. */
  async targets(fromFile: string, specifier: string): Promise<string[]> {
    if (specifier.startsWith('#')) return this.#packageImport(fromFile, specifier);
    const tsconfig = await (this.#tsconfigPaths ??= this.#readTsconfigPaths());
    if (tsconfig === undefined) return [];
    const match = matchPattern(Object.keys(tsconfig.paths), specifier);
    if (match === undefined) return [];
    return (tsconfig.paths[match.key] ?? []).map((target) => path.posix.join(tsconfig.base, target.replace('*', match.star)));
  }

  async #packageImport(fromFile: string, specifier: string): Promise<string[]> {
    // Node reads the `imports` of the nearest package.json, whether or not it has any.
    for (let dir = path.posix.dirname(fromFile); ; dir = path.posix.dirname(dir)) {
      const manifest = await this.#readJson(path.posix.join(dir, 'package.json'));
      if (manifest !== undefined) {
        const imports = (manifest as { imports?: unknown }).imports;
        if (!isRecord(imports)) return [];
        const match = matchPattern(Object.keys(imports), specifier);
        const target = match && conditionalTarget(imports[match.key]);
        // Only a relative target is a project file; any other names a package.
        if (target === undefined || !target.startsWith('./')) return [];
        return [path.posix.join(dir, target.replace(/\*/g, match!.star))];
      }
      if (dir === '.' || dir === '/' || dir.split('/').every((part) => part === '..')) return [];
    }
  }

  #readJson(relPath: string): Promise<unknown> {
    let reading = this.#packageJsons.get(relPath);
    if (reading === undefined) {
      reading = readFile(path.join(this.root, relPath), 'utf8').then(
        (text) => JSON.parse(text) as unknown,
        () => undefined,
      );
      this.#packageJsons.set(relPath, reading);
    }
    return reading;
  }

  /** tsx reads the project's tsconfig.json (the stage runs in the project root). */
  async #readTsconfigPaths(): Promise<{ base: string; paths: PathsMap } | undefined> {
    const text = await readFile(path.join(this.root, 'tsconfig.json'), 'utf8').catch(() => '');
    // Parsing tsconfig's JSON with comments needs TypeScript: load it only when there may be paths.
    if (!text.includes('"paths"')) return undefined;
    const ts = await loadTypeScript();
    const options = (ts.parseConfigFileTextToJson('tsconfig.json', text).config as { compilerOptions?: unknown } | undefined)
      ?.compilerOptions;
    if (!isRecord(options) || !isRecord(options.paths)) return undefined;
    const paths: Record<string, string[]> = {};
    for (const [key, targets] of Object.entries(options.paths)) {
      if (Array.isArray(targets)) paths[key] = targets.filter((t): t is string => typeof t === 'string');
    }
    const base = typeof options.baseUrl === 'string' ? path.posix.normalize(options.baseUrl) : '.';
    return { base, paths };
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An exact key, else the `*` pattern with the longest prefix (Node's and TypeScript's rule). */
function matchPattern(keys: readonly string[], specifier: string): { key: string; star: string } | undefined {
  if (keys.includes(specifier) && !specifier.includes('*')) return { key: specifier, star: '' };
  let best: { key: string; star: string } | undefined;
  for (const key of keys) {
    const star = key.indexOf('*');
    if (star === -1 || key.indexOf('*', star + 1) !== -1) continue;
    const prefix = key.slice(0, star);
    const suffix = key.slice(star + 1);
    if (specifier.length < prefix.length + suffix.length || !specifier.startsWith(prefix) || !specifier.endsWith(suffix)) continue;
    if (best === undefined || prefix.length > best.key.indexOf('*')) {
      best = { key, star: specifier.slice(prefix.length, specifier.length - suffix.length) };
    }
  }
  return best;
}

/** A string target, or the first one whose condition applies in a conditions object or an array. */
function conditionalTarget(target: unknown): string | undefined {
  if (typeof target === 'string') return target;
  if (Array.isArray(target)) {
    for (const item of target) {
      const found = conditionalTarget(item);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  if (!isRecord(target)) return undefined;
  for (const [condition, value] of Object.entries(target)) {
    if (CONDITIONS.has(condition)) return conditionalTarget(value);
  }
  return undefined;
}
