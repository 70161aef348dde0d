// `metrics diff` as text and as JSON.
import { alignColumns } from './align-columns.js';
import type { MetricChange } from './diff-metrics.js';
import type { MetricValue } from './flatten-metrics.js';
import { formatChange, formatMetricValue } from './format-metric-value.js';

const HEADER = ['Path', 'Key', 'Old', 'New', 'Change'];

export function renderMetricsDiff(changes: readonly MetricChange[]): string {
  const rows = changes.map((c) => [c.path, c.key, formatMetricValue(c.old), formatMetricValue(c.new), describeChange(c)]);
  return `${alignColumns([HEADER, ...rows]).join('\n')}\n`;
}

function describeChange(change: MetricChange): string {
  if (change.old === undefined) return 'added';
  if (change.new === undefined) return 'removed';
  if (change.change !== undefined) return formatChange(change.change, change.changePct);
  return change.old === change.new ? '-' : 'changed';
}

type DiffEntry = { old?: MetricValue; new?: MetricValue; change?: number; changePct?: number };

/** `{ "<path>": { "<key>": { old, new, change, changePct } } }`; old or new is left out where the key is absent. */
export function metricsDiffJson(changes: readonly MetricChange[]): Record<string, Record<string, DiffEntry>> {
  const json: Record<string, Record<string, DiffEntry>> = {};
  for (const { path, key, ...entry } of changes) (json[path] ??= {})[key] = entry;
  return json;
}
