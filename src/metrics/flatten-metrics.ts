// A metrics document → one value per dotted key: {validation: {macro_f1: 0.8}} → {'validation.macro_f1': 0.8}.

export type MetricValue = number | string | boolean | null;

/** Dotted key → value, in document order. */
export type FlatMetrics = Readonly<Record<string, MetricValue>>;

/**
 * Where two values share a dotted key ({"a.b": 1, "a": {"b": 2}}) the later one is kept;
 * readers check a document with findMetricKeyCollisions first.
 */
export function flattenMetrics(document: unknown): FlatMetrics {
  const flat: Record<string, MetricValue> = {};
  forEachMetric(document, (keys, value) => {
    const key = dottedKey(keys);
    if (key !== '') flat[key] = value;
  });
  return flat;
}

/**
 * Calls `visit` for every scalar with the keys that lead to it, outermost first. Arrays are
 * skipped: in metrics files they are per-epoch curves or per-class lists that would flood the
 * table (they belong in `plots:`); the scalars around them are kept.
 */
export function forEachMetric(document: unknown, visit: (keys: readonly string[], value: MetricValue) => void): void {
  const walk = (value: unknown, keys: readonly string[]): void => {
    if (Array.isArray(value)) return;
    if (value !== null && typeof value === 'object') {
      for (const [child, nested] of Object.entries(value)) walk(nested, [...keys, child]);
      return;
    }
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || value === null) visit(keys, value);
  };
  walk(document, []);
}

/** Keys under an empty key join without a leading dot ({"": {"x": 1}} → "x"). */
export function dottedKey(keys: readonly string[]): string {
  return keys.reduce((joined, key) => (joined === '' ? key : `${joined}.${key}`), '');
}
