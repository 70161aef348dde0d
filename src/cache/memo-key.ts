// A memo unit is found again by the hash of its key's canonical JSON, so two keys must not
// spell the same JSON by accident: every Map, Set, Date or class instance would become `{}`
// whatever it holds, and a key that is undefined or a function `null`, each silently reusing
// another unit's result. Such keys are refused, naming the part that is not JSON. What JSON
// itself writes as null (NaN, an undefined array item) is taken as JSON takes it.
import { createHash } from 'node:crypto';
import { canonicalJson } from '../hash/canonical-json.js';

const HINT =
  'a memo key must be plain JSON (objects, arrays, strings, finite numbers, booleans, null); ' +
  'convert other values first, e.g. a Map with Object.fromEntries(map), a Date with date.toISOString()';

/**
 * The hash naming a unit: of `key`, together with the stage's code when `scopeCode` is given.
 * Throws, naming the offending part of `key`, when it is not plain JSON.
 */
export function memoKey(key: unknown, scopeCode?: string): string {
  const problem = notPlainJson(key, 'key', new Set());
  if (problem !== undefined) throw new TypeError(`memo key is not plain JSON: ${problem}; ${HINT}`);
  return createHash('sha256').update(canonicalJson(scopeCode === undefined ? key : { code: scopeCode, key })).digest('hex');
}

/** Where and why `value` is not plain JSON, or undefined when it is. */
function notPlainJson(value: unknown, at: string, ancestors: Set<object>, inArray = false): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
    case 'number':
      return undefined;
    case 'object':
      break;
    case 'undefined':
      return inArray ? undefined : `${at} is undefined`;
    default:
      return `${at} is a ${typeof value}`;
  }
  if (value === null || ArrayBuffer.isView(value)) return undefined;
  if (ancestors.has(value)) return `${at} refers to itself`;
  const prototype = Object.getPrototypeOf(value) as object | null;
  if (!Array.isArray(value) && prototype !== Object.prototype && prototype !== null) {
    return `${at} is a ${(value as { constructor?: { name?: string } }).constructor?.name || 'class instance'}`;
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      for (const [i, item] of value.entries()) {
        const problem = notPlainJson(item, `${at}[${i}]`, ancestors, true);
        if (problem !== undefined) return problem;
      }
      return undefined;
    }
    for (const [name, item] of Object.entries(value)) {
      // JSON leaves an undefined property out, as if it were not there: no two keys meet that way.
      if (item === undefined) continue;
      const problem = notPlainJson(item, /^[A-Za-z_$][\w$]*$/.test(name) ? `${at}.${name}` : `${at}[${JSON.stringify(name)}]`, ancestors);
      if (problem !== undefined) return problem;
    }
    return undefined;
  } finally {
    ancestors.delete(value);
  }
}
