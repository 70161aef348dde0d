// `${name}`, `${a.b.c}`, `${item.key}` references, resolved against the variables in scope.
// `\${` stands for a literal `${`.
import { describeValue } from './pipeline-schema.js';
import { quoteList, suggestionHint } from '../text/suggest.js';
import type { YamlPath } from './yaml-source.js';

export type Scope = Readonly<Record<string, unknown>>;

export interface InterpolationProblem {
  /** Where the problem is, relative to the interpolated value (empty for the value itself). */
  readonly path: YamlPath;
  readonly message: string;
  readonly hint?: string;
}

export interface Interpolated<T> {
  readonly value: T;
  readonly problems: readonly InterpolationProblem[];
}

const REFERENCE = /(\\?)\$\{([^}]*)\}/g;
const WHOLE_REFERENCE = /^\$\{([^}]*)\}$/;
const NAME = /^[A-Za-z_][\w-]*(\.[\w-]+)*$/;

type Lookup = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly problem: InterpolationProblem };

/** Resolves references inside a string; every referenced value must be a scalar. */
export function interpolateString(text: string, scope: Scope): Interpolated<string> {
  const problems: InterpolationProblem[] = [];
  const value = text.replace(REFERENCE, (match, escape: string, name: string) => {
    if (escape) return match.slice(1);
    const found = lookup(name, scope);
    if (!found.ok) {
      problems.push(found.problem);
      return match;
    }
    const resolved = found.value;
    if (typeof resolved === 'string' || typeof resolved === 'number' || typeof resolved === 'boolean') return String(resolved);
    problems.push({
      path: [],
      message: `variable "${name.trim()}" is ${describeValue(resolved)} and cannot be placed inside a string`,
      hint: Array.isArray(resolved) || (resolved !== null && typeof resolved === 'object')
        ? `refer to one of its elements instead, e.g. "\${${name.trim()}.${Array.isArray(resolved) ? '0' : (Object.keys(resolved)[0] ?? 'key')}}"`
        : 'give the variable a value',
    });
    return match;
  });
  return { value, problems };
}

/**
 * Resolves references in every string of a value, recursively. A string that is exactly one
 * reference takes the referenced value with its type (a number stays a number, a list a list).
 */
export function interpolateValue(value: unknown, scope: Scope): Interpolated<unknown> {
  const problems: InterpolationProblem[] = [];
  const visit = (current: unknown, path: YamlPath): unknown => {
    if (typeof current === 'string') {
      const whole = WHOLE_REFERENCE.exec(current);
      if (whole) {
        const found = lookup(whole[1]!, scope);
        if (found.ok) return found.value;
        problems.push({ ...found.problem, path });
        return current;
      }
      const result = interpolateString(current, scope);
      problems.push(...result.problems.map((p) => ({ ...p, path })));
      return result.value;
    }
    if (Array.isArray(current)) return current.map((item, index) => visit(item, [...path, index]));
    if (current !== null && typeof current === 'object') {
      return Object.fromEntries(Object.entries(current).map(([key, item]) => [key, visit(item, [...path, key])]));
    }
    return current;
  };
  return { value: visit(value, []), problems };
}

function lookup(rawName: string, scope: Scope): Lookup {
  const name = rawName.trim();
  if (!NAME.test(name)) {
    return {
      ok: false,
      problem: { path: [], message: `invalid reference "\${${rawName}}"`, hint: 'write "${name}" or "${name.key}"; use "\\${" for a literal "${"' },
    };
  }
  const segments = name.split('.');
  let current: unknown = scope;
  for (const [index, segment] of segments.entries()) {
    const container = current;
    const keys = childKeys(container);
    const isOwn = keys.includes(segment);
    if (!isOwn) {
      const parent = segments.slice(0, index).join('.');
      const hint =
        index === 0
          ? unknownVariableHint(segment, keys)
          : keys.length > 0
            ? `"${parent}" has ${Array.isArray(container) ? 'indexes' : 'keys'}: ${quoteList(keys)}`
            : `"${parent}" is ${describeValue(container)}, not a map or list`;
      return { ok: false, problem: { path: [], message: `unknown variable "${name}"`, hint } };
    }
    current = (container as Record<string, unknown>)[segment];
  }
  return { ok: true, value: current };
}

/** `item` and `key` are set by expansion: where they are missing, "did you mean" would mislead. */
function unknownVariableHint(name: string, known: readonly string[]): string {
  if (name === 'item') return '"${item}" is defined only in a stage with "foreach" or "matrix"';
  if (name === 'key') {
    return known.includes('item')
      ? '"${key}" is defined only by a "foreach" over a map; this stage expands over a list or a matrix'
      : '"${key}" is defined only in a stage with "foreach" over a map';
  }
  return known.length > 0 ? suggestionHint(name, known, 'known variables') : 'no variables are defined; add them under "vars:"';
}

function childKeys(value: unknown): string[] {
  if (Array.isArray(value)) return value.map((_, index) => String(index));
  if (value !== null && typeof value === 'object') return Object.keys(value);
  return [];
}
