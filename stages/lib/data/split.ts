// Deterministic train/validation(/test) split for sources that do not come split.
import { mulberry32 } from '../random.js';

export interface SplitFractions {
  readonly validation: number;
  readonly test?: number;
}

export interface SplitParts<T> {
  readonly train: T[];
  readonly validation: T[];
  readonly test: T[];
}

/** round(n × fraction), at least one when fraction > 0 and `n` items leave one for training. */
function partSize(n: number, fraction: number, available: number): number {
  let count = Math.round(n * fraction);
  if (fraction > 0 && available >= 2) count = Math.max(1, count);
  return Math.max(0, Math.min(count, available - 1));
}

/**
 * One shuffle by `seed`: its first round(n × validation) positions go to validation, the next
 * round(n × test) to test, the rest to train. Every part keeps the source order, and train always
 * keeps at least one item. With no test fraction this is exactly `splitBySeed`.
 */
export function splitParts<T>(items: readonly T[], fractions: SplitFractions, seed: number): SplitParts<T> {
  const random = mulberry32(seed);
  const order = items.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const validationCount = partSize(items.length, fractions.validation, items.length);
  const testCount = partSize(items.length, fractions.test ?? 0, items.length - validationCount);
  const validation = new Set(order.slice(0, validationCount));
  const test = new Set(order.slice(validationCount, validationCount + testCount));
  return {
    train: items.filter((_, i) => !validation.has(i) && !test.has(i)),
    validation: items.filter((_, i) => validation.has(i)),
    test: items.filter((_, i) => test.has(i)),
  };
}

/**
 * Puts round(n × fraction) items (at least one when fraction > 0 and n ≥ 2) into validation,
 * chosen by `seed`; both parts keep the source order.
 */
export function splitBySeed<T>(items: readonly T[], fraction: number, seed: number): { train: T[]; validation: T[] } {
  const { train, validation } = splitParts(items, { validation: fraction }, seed);
  return { train, validation };
}
