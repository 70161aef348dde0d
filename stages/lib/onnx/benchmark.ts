// Latency and throughput of a window-batch runner (TensorFlow.js or ONNX Runtime), same inputs for all.
// The numbers depend on the machine and its load, so callers report them as run info, never in outputs.
import { evaluationBatches, type Window } from '../train/batching.js';

/** Runs one batch of windows to completion (logits materialised). */
export type BatchRunner = (windows: readonly Window[]) => Promise<void>;

export interface SpeedReport {
  /** Per-sentence latency at batch size 1, milliseconds. */
  readonly latencyP50Ms: number;
  readonly latencyP95Ms: number;
  /** Sentences (windows) per second at batch size `batchSize`. */
  readonly throughput: number;
  readonly batchSize: number;
  readonly sentences: number;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export async function measureSpeed(run: BatchRunner, windows: readonly Window[], options: { batchSize?: number; warmup?: number } = {}): Promise<SpeedReport> {
  const batchSize = options.batchSize ?? 32;
  const warmup = options.warmup ?? 3;
  for (const window of windows.slice(0, warmup)) await run([window]);
  const latencies: number[] = [];
  for (const window of windows) {
    const started = performance.now();
    await run([window]);
    latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  const batches = evaluationBatches(windows, batchSize);
  const started = performance.now();
  for (const batch of batches) await run(batch);
  const seconds = (performance.now() - started) / 1000;
  return {
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    throughput: seconds > 0 ? windows.length / seconds : 0,
    batchSize,
    sentences: windows.length,
  };
}
