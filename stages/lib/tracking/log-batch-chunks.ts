// Splits a runs/log-batch payload into requests within MLflow's per-request limits.

export interface MetricEntry {
  readonly key: string;
  readonly value: number;
  readonly timestamp: number;
  readonly step: number;
}

export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

export interface LogBatch {
  readonly metrics: readonly MetricEntry[];
  readonly params: readonly KeyValue[];
  readonly tags: readonly KeyValue[];
}

export const MLFLOW_BATCH_LIMITS = { metrics: 1000, params: 100, tags: 100, total: 1000 } as const;

export function chunkLogBatch(batch: LogBatch, limits = MLFLOW_BATCH_LIMITS): LogBatch[] {
  const chunks: LogBatch[] = [];
  let m = 0;
  let p = 0;
  let t = 0;
  while (m < batch.metrics.length || p < batch.params.length || t < batch.tags.length) {
    const params = batch.params.slice(p, p + Math.min(limits.params, limits.total));
    const tags = batch.tags.slice(t, t + Math.min(limits.tags, limits.total - params.length));
    const metricRoom = Math.min(limits.metrics, limits.total - params.length - tags.length);
    const metrics = batch.metrics.slice(m, m + metricRoom);
    p += params.length;
    t += tags.length;
    m += metrics.length;
    chunks.push({ metrics, params, tags });
  }
  return chunks;
}
