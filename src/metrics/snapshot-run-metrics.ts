// Called at the end of `dagmake run` so that `metrics diff` has the previous run to compare with.
import path from 'node:path';
import type { Diagnostic } from '../errors.js';
import type { StageDef } from '../pipeline/types.js';
import { collectMetrics, metricsByPath } from './collect-metrics.js';
import { recordMetricsSnapshot } from './metrics-snapshots.js';

/**
 * Records this run's metrics; what went wrong, when something did. History for `metrics diff` is a
 * convenience: losing one snapshot must not fail a run whose lock is already written.
 */
export async function snapshotRunMetrics(root: string, stages: readonly StageDef[]): Promise<Diagnostic | undefined> {
  if (!stages.some((stage) => stage.outs.some((out) => out.kind === 'metric'))) return undefined;
  try {
    await recordMetricsSnapshot(root, metricsByPath(await collectMetrics(root, stages)), new Date());
    return undefined;
  } catch (error) {
    const reason = (error as Error).message.replaceAll(`${root}${path.sep}`, '');
    return {
      message: `could not save this run's metrics for "dagmake metrics diff" (${reason})`,
      hint: `.dagmake/metrics must be a writable directory on a disk with free space; the run itself succeeded and its lock is written`,
    };
  }
}
