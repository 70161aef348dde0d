// Dotted keys that more than one value of a metrics document flattens to: {"a.b": 1, "a": {"b": 2}}.
import { dottedKey, forEachMetric } from './flatten-metrics.js';

export interface MetricKeyCollision {
  readonly key: string;
  /** The keys leading to each value, outermost first, in document order: [["a.b"], ["a", "b"]]. */
  readonly sources: readonly (readonly string[])[];
}

/** In the order the keys first appear. */
export function findMetricKeyCollisions(document: unknown): MetricKeyCollision[] {
  const sourcesByKey = new Map<string, string[][]>();
  forEachMetric(document, (keys) => {
    const key = dottedKey(keys);
    if (key === '') return;
    const sources = sourcesByKey.get(key);
    if (sources) sources.push([...keys]);
    else sourcesByKey.set(key, [[...keys]]);
  });
  return [...sourcesByKey].filter(([, sources]) => sources.length > 1).map(([key, sources]) => ({ key, sources }));
}

/**
 * `"a.b" and "a" → "b" both flatten to the key "a.b"; rename one of them`: the keys are quoted
 * one by one because the dotted form is exactly what cannot tell them apart.
 */
export function describeMetricKeyCollisions(collisions: readonly MetricKeyCollision[]): string {
  const [first, ...others] = collisions;
  if (first === undefined) return '';
  const sources = first.sources.map((keys) => keys.map((key) => JSON.stringify(key)).join(' → '));
  const both = sources.length === 2 ? 'both' : 'all';
  const which = sources.length === 2 ? 'one of them' : 'all but one of them';
  const more = others.length === 0 ? '' : ` (likewise for ${namedUpTo(others.map((c) => JSON.stringify(c.key)), 3)})`;
  return `${listed(sources)} ${both} flatten to the key ${JSON.stringify(first.key)}; rename ${which} so that each dotted key names one value${more}`;
}

function namedUpTo(keys: readonly string[], count: number): string {
  if (keys.length <= count) return listed(keys);
  return `${keys.slice(0, count).join(', ')} and ${keys.length - count} more ${keys.length - count === 1 ? 'key' : 'keys'}`;
}

function listed(items: readonly string[]): string {
  return items.length <= 2 ? items.join(' and ') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}
