// Every `metrics:` out of the pipeline, read from the workspace, in stage order.
import type { StageDef } from '../pipeline/types.js';
import type { FlatMetrics } from './flatten-metrics.js';
import { readMetricsFile, type MetricsReading } from './read-metrics-file.js';

export interface MetricsFileReport {
  readonly stage: string;
  /** Project-relative POSIX path. */
  readonly path: string;
  readonly reading: MetricsReading;
}

/** Metrics values by path, as `metrics show --json` prints them and snapshots store them. */
export type MetricsByPath = Readonly<Record<string, FlatMetrics>>;

export async function collectMetrics(root: string, stages: readonly StageDef[]): Promise<MetricsFileReport[]> {
  const outs = stages.flatMap((stage) => stage.outs.filter((out) => out.kind === 'metric').map((out) => ({ stage: stage.name, path: out.path })));
  return Promise.all(outs.map(async (out) => ({ ...out, reading: await readMetricsFile(root, out.path) })));
}

export function metricsByPath(reports: readonly MetricsFileReport[]): MetricsByPath {
  const byPath: Record<string, FlatMetrics> = {};
  for (const report of reports) if (report.reading.kind === 'values') byPath[report.path] = report.reading.values;
  return byPath;
}
