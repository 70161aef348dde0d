// Params files (YAML or JSON): the selected dotted keys of each, read once per run.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, Result, SourceLocation } from '../errors.js';
import { fail, ok } from '../errors.js';
import type { ParamSpec } from '../pipeline/types.js';
import { canonicalize } from './canonical-json.js';
import { decodeUtf8 } from '../text/strict-utf8.js';
import { closestMatch } from '../text/suggest.js';

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** JSON by extension, else YAML; the YAML library is loaded on the first YAML params file. */
export async function parseParamsText(bytes: Uint8Array, file: string): Promise<Result<unknown, Diagnostic[]>> {
  const decoded = decodeUtf8(bytes, file, 'params file');
  if (!decoded.ok) return decoded;
  const text = decoded.value;
  if (file.endsWith('.json')) {
    try {
      return ok(JSON.parse(text));
    } catch (error) {
      const message = (error as Error).message;
      return fail([{ message: `invalid JSON in params file ${file}: ${message}`, location: { file, ...jsonErrorPosition(text, message) }, hint: 'fix the JSON syntax' }]);
    }
  }
  // The CommonJS module itself (`default`): a bundle's lazily loaded chunk has no named exports.
  const { LineCounter, parseDocument } = (await import('yaml')).default;
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    return fail(
      doc.errors.map((e) => {
        const pos = lineCounter.linePos(e.pos[0]);
        return { message: `invalid YAML in params file ${file}: ${e.message.split('\n')[0]}`, location: { file, line: pos.line, col: pos.col }, hint: 'fix the YAML syntax' };
      }),
    );
  }
  return ok(doc.toJS());
}

/**
 * key → value for each selected dotted key (`train.lr`), or for every top-level key when `keys`
 * is undefined. Values are canonical (object keys sorted) so they compare and hash stably.
 */
export function selectParams(
  data: unknown,
  file: string,
  keys: readonly string[] | undefined,
  location?: SourceLocation,
): Result<Record<string, unknown>, Diagnostic[]> {
  const at = location ? { location } : {};
  if (!isRecord(data)) {
    return fail([{ message: `params file ${file} must contain a mapping of keys to values`, ...at, hint: 'write the params as `key: value` lines' }]);
  }
  const selected: Record<string, unknown> = {};
  const problems: Diagnostic[] = [];
  for (const key of [...(keys ?? Object.keys(data))].sort()) {
    // A key that is itself a top-level key (every key of a whole-file selection is) is taken as
    // written, also when it holds a dot ("model.name": x); only other keys are walked as a path.
    const found = Object.hasOwn(data, key) ? ok(data[key]) : lookupDotted(data, key);
    if (found.ok) selected[key] = canonicalize(found.value);
    else problems.push({ message: `params key '${key}' not found in ${file}`, ...at, hint: found.error });
  }
  return problems.length > 0 ? fail(problems) : ok(selected);
}

/** Walks `a.b.c`; the error is a hint naming the closest sibling keys at the level that failed. */
function lookupDotted(data: Record<string, unknown>, key: string): Result<unknown, string> {
  let node: unknown = data;
  const parts = key.split('.');
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const parent = parts.slice(0, i).join('.');
    const siblings = isRecord(node) ? Object.keys(node) : Array.isArray(node) ? node.map((_, n) => String(n)) : [];
    if (!siblings.includes(part)) {
      const prefix = parent === '' ? '' : `${parent}.`;
      const guess = closestMatch(part, siblings);
      if (guess !== undefined) return fail(`did you mean '${prefix}${guess}'?`);
      if (siblings.length === 0) return fail(`'${parent}' is not a mapping`);
      return fail(`keys ${parent === '' ? 'at the top level' : `under '${parent}'`}: ${siblings.slice(0, 10).join(', ')}`);
    }
    node = (node as Record<string, unknown>)[part];
  }
  return ok(node);
}

/** JSON.parse says "at position N" (an offset) or nothing (the input ended): the place as line and column. */
function jsonErrorPosition(text: string, message: string): { line: number; col: number } {
  const match = / at position (\d+)/.exec(message);
  const offset = match ? Math.min(Number(match[1]), text.length) : text.trimEnd().length;
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, col: before[before.length - 1]!.length + 1 };
}

/** Memoizes each file's parse for one run. */
export class ParamsReader {
  private readonly files = new Map<string, Promise<Result<unknown, Diagnostic[]>>>();

  constructor(private readonly root: string) {}

  /** The files may have changed since (watch mode restarting a stage): read them again from now on. */
  forget(): void {
    this.files.clear();
  }

  read(file: string, location?: SourceLocation): Promise<Result<unknown, Diagnostic[]>> {
    let pending = this.files.get(file);
    if (!pending) {
      pending = readFile(path.join(this.root, file)).then(
        (bytes) => parseParamsText(bytes, file),
        (error: unknown) =>
          fail([{ message: `cannot read params file ${file}: ${(error as Error).message}`, ...(location ? { location } : {}), hint: paramsFileHint(file) }]),
      );
      this.files.set(file, pending);
    }
    return pending;
  }

  async select(spec: ParamSpec): Promise<Result<Record<string, unknown>, Diagnostic[]>> {
    const data = await this.read(spec.file, spec.location);
    if (!data.ok) return data;
    return selectParams(data.value, spec.file, spec.keys, spec.location);
  }
}

// A bare word is how DVC names a key of params.yaml; here every entry names a file.
function paramsFileHint(file: string): string {
  if (path.extname(file) !== '') return 'create the file or fix the `params:` path';
  return `each \`params:\` entry names a file; to track key "${file}" of params.yaml, write \`- params.yaml: [${file}]\``;
}
