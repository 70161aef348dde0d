// A minimal MLflow tracking REST client (api/2.0/mlflow) over global fetch.
import { chunkLogBatch, type KeyValue, type LogBatch } from './log-batch-chunks.js';

export class MlflowRequestError extends Error {
  override name = 'MlflowRequestError';
  constructor(
    message: string,
    readonly status?: number,
    readonly errorCode?: string,
  ) {
    super(message);
  }
}

export interface MlflowClientOptions {
  /** e.g. http://127.0.0.1:5000 */
  readonly trackingUri: string;
  readonly token?: string;
  readonly username?: string;
  readonly password?: string;
  readonly timeoutMs?: number;
}

export type RunStatus = 'FINISHED' | 'FAILED' | 'KILLED';

export class MlflowClient {
  private readonly base: string;

  constructor(private readonly options: MlflowClientOptions) {
    this.base = `${options.trackingUri.replace(/\/+$/, '')}/api/2.0/mlflow/`;
  }

  async getOrCreateExperiment(name: string): Promise<string> {
    const existing = await this.experimentIdByName(name);
    if (existing !== undefined) return existing;
    try {
      const created = await this.request<{ experiment_id: string }>('POST', 'experiments/create', { name });
      return created.experiment_id;
    } catch (error) {
      // Another process may have created it between the two calls.
      if (error instanceof MlflowRequestError && error.errorCode === 'RESOURCE_ALREADY_EXISTS') {
        const id = await this.experimentIdByName(name);
        if (id !== undefined) return id;
      }
      throw error;
    }
  }

  async createRun(input: { experimentId: string; runName: string; startTime: number; tags: readonly KeyValue[] }): Promise<string> {
    const response = await this.request<{ run: { info: { run_id: string } } }>('POST', 'runs/create', {
      experiment_id: input.experimentId,
      run_name: input.runName,
      start_time: input.startTime,
      tags: input.tags,
    });
    return response.run.info.run_id;
  }

  async logBatch(runId: string, batch: LogBatch): Promise<void> {
    for (const chunk of chunkLogBatch(batch)) {
      await this.request('POST', 'runs/log-batch', { run_id: runId, ...chunk });
    }
  }

  async updateRun(runId: string, status: RunStatus, endTime: number): Promise<void> {
    await this.request('POST', 'runs/update', { run_id: runId, status, end_time: endTime });
  }

  private async experimentIdByName(name: string): Promise<string | undefined> {
    try {
      const found = await this.request<{ experiment: { experiment_id: string } }>(
        'GET',
        `experiments/get-by-name?experiment_name=${encodeURIComponent(name)}`,
      );
      return found.experiment.experiment_id;
    } catch (error) {
      if (error instanceof MlflowRequestError && error.errorCode === 'RESOURCE_DOES_NOT_EXIST') return undefined;
      throw error;
    }
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.options.token) headers.authorization = `Bearer ${this.options.token}`;
    else if (this.options.username !== undefined) {
      const credentials = Buffer.from(`${this.options.username}:${this.options.password ?? ''}`).toString('base64');
      headers.authorization = `Basic ${credentials}`;
    }
    const url = this.base + path;
    let response: Response;
    try {
      response = await fetch(url, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { message?: string } }).cause?.message;
      throw new MlflowRequestError(`${method} ${url}: ${cause ?? (error as Error).message}`);
    }
    const text = await response.text();
    let parsed: unknown = {};
    try {
      parsed = text === '' ? {} : JSON.parse(text);
    } catch {
      parsed = { message: text.slice(0, 200) };
    }
    if (!response.ok) {
      const { error_code: code, message } = parsed as { error_code?: string; message?: string };
      throw new MlflowRequestError(`${method} ${url}: HTTP ${response.status} ${code ?? ''} ${message ?? ''}`.trim(), response.status, code);
    }
    return parsed as T;
  }
}
