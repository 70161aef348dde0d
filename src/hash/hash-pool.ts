// Hashes batches of files on worker threads so a large first hash uses every core.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FileHashOutcome } from './file-hash.js';
import { HASH_WORKER_SOURCE } from './file-hash.js';

interface Job {
  readonly id: number;
  readonly files: readonly string[];
  readonly resolve: (results: FileHashOutcome[]) => void;
  readonly reject: (error: Error) => void;
}

interface PoolWorker {
  readonly worker: Worker;
  job: Job | undefined;
}

const BATCH_FILES = 64;
const BATCH_BYTES = 8 << 20;

export class HashPool {
  private readonly workers: PoolWorker[] = [];
  private readonly queue: Job[] = [];
  private nextId = 0;

  constructor(private readonly maxWorkers = Math.min(availableParallelism(), 8)) {}

  /** Results in the order of `files`; `sizes` (from stat) only guide batching. */
  async hashFiles(files: readonly string[], sizes: readonly number[]): Promise<FileHashOutcome[]> {
    const batches: string[][] = [];
    let batch: string[] = [];
    let bytes = 0;
    files.forEach((file, i) => {
      batch.push(file);
      bytes += sizes[i] ?? 0;
      if (batch.length >= BATCH_FILES || bytes >= BATCH_BYTES) {
        batches.push(batch);
        batch = [];
        bytes = 0;
      }
    });
    if (batch.length > 0) batches.push(batch);
    const results = await Promise.all(batches.map((b) => this.run(b)));
    return results.flat();
  }

  private run(files: readonly string[]): Promise<FileHashOutcome[]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, files, resolve, reject });
      this.dispatch();
    });
  }

  private dispatch(): void {
    while (this.queue.length > 0) {
      const idle = this.workers.find((w) => !w.job) ?? (this.workers.length < this.maxWorkers ? this.spawn() : undefined);
      if (!idle) return;
      idle.job = this.queue.shift();
      idle.worker.ref();
      idle.worker.postMessage({ id: idle.job!.id, files: idle.job!.files });
    }
  }

  private spawn(): PoolWorker {
    const entry: PoolWorker = { worker: new Worker(HASH_WORKER_SOURCE, { eval: true }), job: undefined };
    entry.worker.on('message', (message: { id: number; results: FileHashOutcome[] }) => {
      const job = entry.job;
      entry.job = undefined;
      // An idle pool must not keep the process alive.
      entry.worker.unref();
      if (job && job.id === message.id) job.resolve(message.results);
      this.dispatch();
    });
    entry.worker.on('error', (error) => {
      this.workers.splice(this.workers.indexOf(entry), 1);
      entry.job?.reject(error);
      for (const job of this.queue.splice(0)) job.reject(error);
    });
    this.workers.push(entry);
    return entry;
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.splice(0).map((w) => w.worker.terminate()));
  }
}
