// Called at the end of `dagmake run` so that `metrics diff` has the previous run to compare with.
import type { StageDef } from '../pipeline/types.js';
import { collectMetrics, metricsByPath } from './collect-metrics.js';
import { recordMetricsSnapshot } from './metrics-snapshots.js';

export async function snapshotRunMetrics(root: string, stages: readonly StageDef[]): Promise<void> {
  if (!stages.some((stage) => stage.outs.some((out) => out.kind === 'metric'))) return;
  try {
    await recordMetricsSnapshot(root, metricsByPath(await collectMetrics(root, stages)), new Date());
  } catch {
    // History for `metrics diff` is a convenience: losing one snapshot must not fail a finished run.
  }
}
