// The run record written next to a training's outputs as run.json.

export type RunRecordStatus = 'RUNNING' | 'FINISHED' | 'FAILED';

export interface MetricPoint {
  readonly step: number;
  /** null for NaN/Infinity, which JSON cannot hold. */
  readonly value: number | null;
  readonly timestamp: number;
}

export interface RunRecord {
  readonly name: string;
  readonly status: RunRecordStatus;
  readonly startTime: number;
  readonly endTime: number | null;
  readonly params: Readonly<Record<string, string>>;
  readonly tags: Readonly<Record<string, string>>;
  readonly metrics: Readonly<Record<string, readonly MetricPoint[]>>;
  /** Files in the run directory, relative to it, run.json excluded. */
  readonly artifacts: readonly string[];
  readonly parentRunId?: string;
  readonly mlflow?: { readonly trackingUri: string; readonly experimentId: string; readonly runId: string };
}

export const RUN_RECORD_FILE = 'run.json';

/** Param values as MLflow stores them: strings as-is, everything else as JSON. */
export function paramString(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}
