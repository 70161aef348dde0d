// Runs a zod schema over part of a YAML file and turns every issue into a Diagnostic located
// at the offending node (the key for unknown keys, the value otherwise).
import type { z } from 'zod';
import type { Diagnostic } from '../errors.js';
import { suggestionHint } from '../text/suggest.js';
import type { YamlPath, YamlSource } from './yaml-source.js';
import { STAGE_NAME_HINT } from './pipeline-schema.js';

type Issue = z.core.$ZodIssue;

export function checkSchema<T>(
  schema: z.ZodType<T>,
  value: unknown,
  basePath: YamlPath,
  source: YamlSource,
): { data?: T; diagnostics: Diagnostic[] } {
  const result = schema.safeParse(value);
  if (result.success) return { data: result.data, diagnostics: [] };
  const diagnostics: Diagnostic[] = [];
  for (const issue of result.error.issues) report(issue, basePath, [], schema, source, diagnostics);
  return { diagnostics };
}

/** Names other build tools use for a stage's keys: too far from ours for "did you mean" to find them. */
const SYNONYMS: ReadonlyMap<string, string> = new Map([
  ['command', 'cmd'],
  ['commands', 'cmd'],
  ['shell', 'cmd'],
  ['script', 'cmd'],
  ['run', 'cmd'],
  ['input', 'deps'],
  ['inputs', 'deps'],
  ['dependencies', 'deps'],
  ['depends', 'deps'],
  ['output', 'outs'],
  ['outputs', 'outs'],
  ['parameters', 'params'],
  ['description', 'desc'],
  ['environment', 'env'],
  ['workdir', 'wdir'],
  ['cwd', 'wdir'],
]);

function synonymHint(key: string, known: readonly string[]): string | undefined {
  const ours = SYNONYMS.get(key.toLowerCase());
  return ours !== undefined && known.includes(ours) ? `dagmake calls it "${ours}"` : undefined;
}

function report(
  issue: Issue,
  basePath: YamlPath,
  prefix: YamlPath,
  schema: z.core.$ZodType,
  source: YamlSource,
  out: Diagnostic[],
): void {
  const relative = [...prefix, ...(issue.path as (string | number)[])];
  const path = [...basePath, ...relative];
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = objectKeysAt(schema, relative) ?? [];
      for (const key of issue.keys) {
        out.push({
          message: `unknown key "${key}" ${contextOf(path)}`,
          location: source.locate([...path, key], 'key'),
          hint: synonymHint(key, known) ?? suggestionHint(key, known, 'known keys'),
        });
      }
      return;
    }
    case 'invalid_union': {
      const branch = matchedBranch(issue.errors);
      if (branch) {
        for (const inner of branch) report(inner, basePath, relative, schema, source, out);
        return;
      }
      break;
    }
    case 'invalid_key': {
      const name = String(path[path.length - 1]);
      const isStageName = path.length === 2 && path[0] === 'stages';
      out.push({
        message: isStageName ? `invalid stage name "${name}"` : `invalid key "${name}"`,
        location: source.locate(path, 'key'),
        hint: isStageName ? STAGE_NAME_HINT : undefined,
      });
      return;
    }
  }
  out.push({ message: issue.message, location: source.locate(path, 'value') });
}

// A union fails as a whole, but when one branch accepted the value's shape (a list, a map) and
// failed only deeper inside, that branch's issues say precisely what is wrong.
function matchedBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  return branches.find(
    (issues) => issues.length > 0 && issues.every((i) => i.path.length > 0 || i.code === 'unrecognized_keys'),
  );
}

/** "in stage "train"", "in "resources" of stage "train"", ... */
export function contextOf(path: YamlPath): string {
  if (path.length === 0) return 'at the top level';
  if (path[0] !== 'stages' || path.length < 2) return `in "${path.join('.')}"`;
  const stage = `stage "${String(path[1])}"`;
  const rest = path.slice(2).filter((segment) => segment !== 'do');
  const inDo = path[2] === 'do' ? ' "do" of' : '';
  if (rest.length === 0) return inDo ? `in "do" of ${stage}` : `in ${stage}`;
  const field = rest[0];
  if ((field === 'outs' || field === 'metrics' || field === 'plots') && rest.length >= 3) {
    return `in the options of "${String(rest[2])}" in ${stage}`;
  }
  return `in "${rest.filter((s) => typeof s === 'string').join('.')}" of${inDo} ${stage}`;
}

interface LooseDef {
  readonly type: string;
  readonly shape?: Record<string, z.core.$ZodType>;
  readonly valueType?: z.core.$ZodType;
  readonly element?: z.core.$ZodType;
  readonly options?: readonly z.core.$ZodType[];
  readonly innerType?: z.core.$ZodType;
}

const defOf = (schema: z.core.$ZodType): LooseDef => schema._zod.def as unknown as LooseDef;

/** Keys allowed by the object schema found at `path` (through optional, union, record, array). */
export function objectKeysAt(schema: z.core.$ZodType, path: YamlPath): string[] | undefined {
  const def = defOf(schema);
  if (def.innerType) return objectKeysAt(def.innerType, path);
  if (def.options) {
    for (const option of def.options) {
      const keys = objectKeysAt(option, path);
      if (keys) return keys;
    }
    return undefined;
  }
  if (path.length === 0) return def.shape ? Object.keys(def.shape) : undefined;
  const [head, ...rest] = path;
  if (def.shape) {
    const next = def.shape[String(head)];
    return next ? objectKeysAt(next, rest) : undefined;
  }
  if (def.valueType) return objectKeysAt(def.valueType, rest);
  if (def.element && typeof head === 'number') return objectKeysAt(def.element, rest);
  return undefined;
}

/**
 * The value with every key that has a schema issue removed (at most two levels deep), when what
 * is left passes: so that the rest of a stage is still checked after one bad key was reported.
 */
export function validPart<T>(schema: z.ZodType<T>, value: unknown): T | undefined {
  let current = structuredClone(value);
  for (let attempt = 0; attempt < 3; attempt++) {
    const result = schema.safeParse(current);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      const keys = issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path, key]) : [issue.path];
      for (const path of keys) {
        const depth = path[0] === 'do' ? 2 : 1;
        if (path.length < depth || !removeAt(current, path.slice(0, depth) as (string | number)[])) return undefined;
      }
    }
  }
  return undefined;
}

function removeAt(value: unknown, path: readonly (string | number)[]): boolean {
  let container = value;
  for (const segment of path.slice(0, -1)) {
    if (container === null || typeof container !== 'object') return false;
    container = (container as Record<string, unknown>)[String(segment)];
  }
  if (container === null || typeof container !== 'object' || Array.isArray(container)) return false;
  delete (container as Record<string, unknown>)[String(path[path.length - 1])];
  return true;
}
