// A metrics document → one value per dotted key: {validation: {macro_f1: 0.8}} → {'validation.macro_f1': 0.8}.

export type MetricValue = number | string | boolean | null;

/** Dotted key → value, in document order. */
export type FlatMetrics = Readonly<Record<string, MetricValue>>;

/**
 * Arrays are skipped: in metrics files they are per-epoch curves or per-class lists that would
 * flood the table (they belong in `plots:`); the scalars around them are kept.
 */
export function flattenMetrics(document: unknown): FlatMetrics {
  const flat: Record<string, MetricValue> = {};
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) return;
    if (value !== null && typeof value === 'object') {
      for (const [child, nested] of Object.entries(value)) visit(nested, key === '' ? child : `${key}.${child}`);
      return;
    }
    if (key === '') return;
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' || value === null) flat[key] = value;
  };
  visit(document, '');
  return flat;
}
