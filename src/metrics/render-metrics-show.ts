// `metrics show` as text: one group per stage, columns aligned across all groups.
import type { MetricsFileReport } from './collect-metrics.js';
import { alignColumns } from './align-columns.js';
import { formatMetricValue } from './format-metric-value.js';
import type { MetricsReading } from './read-metrics-file.js';

const HEADER = ['Path', 'Key', 'Value'];

export function renderMetricsShow(reports: readonly MetricsFileReport[]): string {
  if (reports.length === 0) return 'no metrics: list a stage\'s metrics files under "metrics:" in the pipeline file\n';
  const rows = reports.flatMap((report) =>
    report.reading.kind === 'values'
      ? Object.entries(report.reading.values).map(([key, value]) => [report.path, key, formatMetricValue(value)])
      : [],
  );
  const aligned = alignColumns([HEADER, ...rows], '  ');
  const lines = [aligned[0]!];
  let next = 1;
  let stage: string | undefined;
  for (const report of reports) {
    if (report.stage !== stage) lines.push(report.stage);
    stage = report.stage;
    if (report.reading.kind !== 'values') {
      lines.push(`  ${describeUnavailable(report.path, report.reading)}`);
      continue;
    }
    const count = Object.keys(report.reading.values).length;
    if (count === 0) lines.push(`  ${report.path}: no numbers, strings or booleans in it`);
    lines.push(...aligned.slice(next, next + count));
    next += count;
  }
  return `${lines.join('\n')}\n`;
}

export function describeUnavailable(file: string, reading: Exclude<MetricsReading, { kind: 'values' }>): string {
  return reading.kind === 'missing' ? `${file}: missing — "dagmake run" produces it (or restores it from the cache)` : `${file}: ${reading.reason}`;
}
