// The run record written next to a training's outputs as run.json, and the run info kept apart
// from them. run.json holds only what the inputs decide, so a rerun writes the same bytes; times
// and tracking-server ids change on every run and go to the run info (StartRunOptions.infoDir).

export type RunRecordStatus = 'RUNNING' | 'FINISHED' | 'FAILED';

export interface MetricPoint {
  readonly step: number;
  /** null for NaN/Infinity, which JSON cannot hold. */
  readonly value: number | null;
}

export interface RunRecord {
  readonly name: string;
  readonly status: RunRecordStatus;
  readonly params: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, readonly MetricPoint[]>>;
  /** Files in the run directory, relative to it, run.json excluded. */
  readonly artifacts: readonly string[];
}

export interface MetricTime {
  readonly step: number;
  /** Epoch milliseconds. */
  readonly timestamp: number;
}

export interface RunInfo {
  readonly name: string;
  /** Epoch milliseconds. */
  readonly startTime: number;
  readonly endTime: number;
  /** When each metric step was logged, in the order of RunRecord.metrics. */
  readonly metricTimes: Readonly<Record<string, readonly MetricTime[]>>;
  readonly parentRunId?: string;
  readonly mlflow?: { readonly trackingUri: string; readonly experimentId: string; readonly runId: string };
}

export const RUN_RECORD_FILE = 'run.json';
/** The run info's file name in StartRunOptions.infoDir. */
export const RUN_INFO_FILE = 'run.json';

/** Param values as MLflow stores them: strings as-is, everything else as JSON. */
export function paramString(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}
