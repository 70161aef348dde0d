// Deterministic train/validation split for sources that come as one file.
import { mulberry32 } from '../random.js';


/**
 * Puts round(n × fraction) items (at least one when fraction > 0 and n ≥ 2) into validation,
 * chosen by `seed`; both parts keep the source order.
 */
export function splitBySeed<T>(items: readonly T[], fraction: number, seed: number): { train: T[]; validation: T[] } {
  const random = mulberry32(seed);
  const order = items.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  let count = Math.round(items.length * fraction);
  if (fraction > 0 && items.length >= 2) count = Math.max(1, count);
  count = Math.min(count, items.length - 1);
  const validation = new Set(order.slice(0, Math.max(0, count)));
  return {
    train: items.filter((_, i) => !validation.has(i)),
    validation: items.filter((_, i) => validation.has(i)),
  };
}
