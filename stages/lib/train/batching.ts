// Windows and length-bucketed batches. Sentences longer than maxLength are cut into consecutive
// windows (the RNN loop and attention cost grow with length), and batches group windows of similar
// length so little compute is spent on padding.
import type { SeededRandom } from '../tf/seeded-random.js';

export interface Window {
  /** Index of the sample the window comes from. */
  readonly sample: number;
  /** Token offset of the window inside its sample. */
  readonly start: number;
  readonly tokens: readonly string[];
  readonly tags: readonly string[];
}

export function toWindows(samples: readonly { tokens: readonly string[]; tags: readonly string[] }[], maxLength: number): Window[] {
  const windows: Window[] = [];
  samples.forEach((sample, index) => {
    for (let start = 0; start < sample.tokens.length; start += maxLength) {
      windows.push({
        sample: index,
        start,
        tokens: sample.tokens.slice(start, start + maxLength),
        tags: sample.tags.slice(start, start + maxLength),
      });
    }
  });
  return windows;
}

/** Windows sorted by length inside each pool of this many batches. */
const POOL_BATCHES = 32;

/**
 * Shuffles windows, sorts each pool of POOL_BATCHES·batchSize by length, cuts it into batches and
 * shuffles the batch order. All randomness comes from `random`, so a saved RNG state replays it.
 */
export function trainingBatches<T extends { tokens: readonly unknown[] }>(items: readonly T[], batchSize: number, random: SeededRandom): T[][] {
  const order = random.shuffle(items.map((_, i) => i));
  const batches: T[][] = [];
  const poolSize = batchSize * POOL_BATCHES;
  for (let from = 0; from < order.length; from += poolSize) {
    const pool = order.slice(from, from + poolSize).sort((a, b) => (items[a] as T).tokens.length - (items[b] as T).tokens.length || a - b);
    for (let i = 0; i < pool.length; i += batchSize) batches.push(pool.slice(i, i + batchSize).map((j) => items[j] as T));
  }
  return random.shuffle(batches);
}

/** Number of batches trainingBatches returns for `count` items (independent of the shuffle). */
export function batchesPerEpoch(count: number, batchSize: number): number {
  const poolSize = batchSize * POOL_BATCHES;
  const fullPools = Math.floor(count / poolSize);
  return fullPools * POOL_BATCHES + Math.ceil((count - fullPools * poolSize) / batchSize);
}

/** Deterministic length-sorted batches for evaluation. */
export function evaluationBatches<T extends { tokens: readonly unknown[] }>(items: readonly T[], batchSize: number): T[][] {
  const sorted = [...items].sort((a, b) => a.tokens.length - b.tokens.length);
  const batches: T[][] = [];
  for (let i = 0; i < sorted.length; i += batchSize) batches.push(sorted.slice(i, i + batchSize));
  return batches;
}
