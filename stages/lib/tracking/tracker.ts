// Run tracking: always a local run.json; additionally MLflow over REST when MLFLOW_TRACKING_URI
// is an http(s) URL. MLflow problems are reported as warnings and never fail a training.
// Times and MLflow ids are sent to MLflow as usual but kept out of run.json (see run-record.ts).
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { writeRunInfo } from '../run-info.js';
import type { KeyValue, MetricEntry } from './log-batch-chunks.js';
import { MlflowClient, type RunStatus } from './mlflow-client.js';
import {
  type MetricPoint,
  type MetricTime,
  paramString,
  RUN_INFO_FILE,
  RUN_RECORD_FILE,
  type RunInfo,
  type RunRecord,
  type RunRecordStatus,
} from './run-record.js';

export interface TrackerOptions {
  /** MLflow experiment name. */
  readonly experiment: string;
  readonly warn: (message: string) => void;
  /** Defaults to process.env. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly now?: () => number;
}

export interface StartRunOptions {
  readonly name: string;
  /** Absolute directory of the run's outputs; run.json is written here. */
  readonly dir: string;
  /** Absolute directory for the run info (times, MLflow ids) as run.json; without it they are only returned. */
  readonly infoDir?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  readonly tags?: Readonly<Record<string, string>>;
  /** MLflow run id of the parent (study) run: nests this run under it. */
  readonly parentRunId?: string;
}

interface MlflowTarget {
  readonly client: MlflowClient;
  readonly trackingUri: string;
  readonly experimentId: string;
}

export class Tracker {
  private readonly now: () => number;
  private target: Promise<MlflowTarget | undefined> | undefined;

  constructor(private readonly options: TrackerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The MLflow tracking URI in use, if any. */
  get trackingUri(): string | undefined {
    const uri = (this.options.env ?? process.env).MLFLOW_TRACKING_URI;
    return uri !== undefined && /^https?:\/\//i.test(uri) ? uri : undefined;
  }

  async startRun(options: StartRunOptions): Promise<TrackedRun> {
    await mkdir(options.dir, { recursive: true });
    const target = await this.mlflowTarget();
    const startTime = this.now();
    const params = Object.fromEntries(Object.entries(options.params ?? {}).map(([k, v]) => [k, paramString(v)]));
    const tags = { ...(options.tags ?? {}) };
    let mlflow: { target: MlflowTarget; runId: string } | undefined;
    if (target !== undefined) {
      const createTags: KeyValue[] = [{ key: 'mlflow.runName', value: options.name }];
      if (options.parentRunId !== undefined) createTags.push({ key: 'mlflow.parentRunId', value: options.parentRunId });
      try {
        const runId = await target.client.createRun({
          experimentId: target.experimentId,
          runName: options.name,
          startTime,
          tags: createTags,
        });
        mlflow = { target, runId };
      } catch (error) {
        this.options.warn(`MLflow: could not start run '${options.name}' (${(error as Error).message}); logging locally only`);
      }
    }
    const run = new TrackedRun(options, params, tags, startTime, this.now, this.options.warn, mlflow);
    await run.logStart();
    return run;
  }

  private mlflowTarget(): Promise<MlflowTarget | undefined> {
    this.target ??= this.connect();
    return this.target;
  }

  private async connect(): Promise<MlflowTarget | undefined> {
    const env = this.options.env ?? process.env;
    const trackingUri = this.trackingUri;
    if (trackingUri === undefined) return undefined;
    const client = new MlflowClient({
      trackingUri,
      ...(env.MLFLOW_TRACKING_TOKEN ? { token: env.MLFLOW_TRACKING_TOKEN } : {}),
      ...(env.MLFLOW_TRACKING_USERNAME !== undefined ? { username: env.MLFLOW_TRACKING_USERNAME } : {}),
      ...(env.MLFLOW_TRACKING_PASSWORD !== undefined ? { password: env.MLFLOW_TRACKING_PASSWORD } : {}),
    });
    try {
      const experimentId = await client.getOrCreateExperiment(this.options.experiment);
      return { client, trackingUri, experimentId };
    } catch (error) {
      this.options.warn(
        `MLflow: cannot use experiment '${this.options.experiment}' at ${trackingUri} (${(error as Error).message}); ` +
          'runs are recorded in run.json only. Check MLFLOW_TRACKING_URI or unset it.',
      );
      return undefined;
    }
  }
}

export interface FinishedRun {
  /** What was written to run.json in the run directory. */
  readonly record: RunRecord;
  readonly info: RunInfo;
}

export class TrackedRun {
  private readonly metrics = new Map<string, MetricPoint[]>();
  private readonly metricTimes = new Map<string, MetricTime[]>();
  private pending: MetricEntry[] = [];
  private pendingTags: KeyValue[] = [];
  private readonly extraArtifacts = new Set<string>();
  /** Set by the first failed log request: nothing more is logged, but the run is still ended. */
  private logFailed = false;

  constructor(
    private readonly options: StartRunOptions,
    private readonly params: Record<string, string>,
    private readonly tags: Record<string, string>,
    private readonly startTime: number,
    private readonly now: () => number,
    private readonly warn: (message: string) => void,
    private mlflow: { target: MlflowTarget; runId: string } | undefined,
  ) {}

  /** The MLflow run id, when the run is mirrored to MLflow. */
  get mlflowRunId(): string | undefined {
    return this.mlflow?.runId;
  }

  logMetric(key: string, value: number, step: number): void {
    const timestamp = this.now();
    const points = this.metrics.get(key) ?? [];
    points.push({ step, value: Number.isFinite(value) ? value : null });
    this.metrics.set(key, points);
    const times = this.metricTimes.get(key) ?? [];
    times.push({ step, timestamp });
    this.metricTimes.set(key, times);
    if (Number.isFinite(value)) this.pending.push({ key, value, timestamp, step });
  }

  logMetrics(values: Readonly<Record<string, number>>, step: number): void {
    for (const [key, value] of Object.entries(values)) this.logMetric(key, value, step);
  }

  setTag(key: string, value: string): void {
    this.tags[key] = value;
    this.pendingTags.push({ key, value });
  }

  /** Records a file outside the run directory (files inside it are listed automatically). */
  addArtifact(path: string): void {
    this.extraArtifacts.add(path);
  }

  /** Sends the params and tags the run started with. */
  async logStart(): Promise<void> {
    await this.mlflowCall('log params', (client, runId) => client.logBatch(runId, { metrics: [], params: toKeyValues(this.params), tags: toKeyValues(this.tags) }));
  }

  /** Sends buffered metrics and tags to MLflow now (e.g. after each epoch). */
  async flush(): Promise<void> {
    const metrics = this.pending;
    const tags = this.pendingTags;
    this.pending = [];
    this.pendingTags = [];
    if (metrics.length === 0 && tags.length === 0) return;
    await this.mlflowCall('log metrics', (client, runId) => client.logBatch(runId, { metrics, params: [], tags }));
  }

  async finish(status: Exclude<RunRecordStatus, 'RUNNING'>): Promise<FinishedRun> {
    await this.flush();
    const endTime = this.now();
    await this.mlflowCall('finish run', (client, runId) => client.updateRun(runId, status as RunStatus, endTime), true);
    await mkdir(this.options.dir, { recursive: true });
    const artifacts = [...new Set([...(await listFiles(this.options.dir)), ...this.extraArtifacts])]
      .filter((path) => path !== RUN_RECORD_FILE)
      .sort();
    const record: RunRecord = {
      name: this.options.name,
      status,
      params: this.params,
      tags: this.tags,
      metrics: sortedByKey(this.metrics),
      artifacts,
    };
    const info: RunInfo = {
      name: this.options.name,
      startTime: this.startTime,
      endTime,
      metricTimes: sortedByKey(this.metricTimes),
      ...(this.options.parentRunId !== undefined ? { parentRunId: this.options.parentRunId } : {}),
      ...(this.mlflow !== undefined
        ? { mlflow: { trackingUri: this.mlflow.target.trackingUri, experimentId: this.mlflow.target.experimentId, runId: this.mlflow.runId } }
        : {}),
    };
    await writeFile(join(this.options.dir, RUN_RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
    await writeRunInfo(this.options.infoDir, RUN_INFO_FILE, info);
    return { record, info };
  }

  /**
   * After a failed log request later ones are skipped (a server that is down would cost a timeout
   * each), but `ending` calls are still made, so the MLflow run never stays RUNNING.
   */
  private async mlflowCall(what: string, call: (client: MlflowClient, runId: string) => Promise<void>, ending = false): Promise<void> {
    if (this.mlflow === undefined || (this.logFailed && !ending)) return;
    try {
      await call(this.mlflow.target.client, this.mlflow.runId);
    } catch (error) {
      const rest = ending ? 'it may show as still running there' : 'what follows is in run.json only';
      this.warn(`MLflow: could not ${what} for '${this.options.name}' (${(error as Error).message}); ${rest}`);
      this.logFailed = true;
    }
  }
}

function sortedByKey<T>(map: ReadonlyMap<string, T>): Record<string, T> {
  return Object.fromEntries([...map.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function toKeyValues(record: Readonly<Record<string, string>>): KeyValue[] {
  return Object.entries(record).map(([key, value]) => ({ key, value }));
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'));
}
