// Seeded randomness for samplers. Math.random cannot be seeded and the npm PRNGs add a dependency
// for ten lines, so: mulberry32 (32-bit state, passes the statistical tests that matter for
// sampling) seeded per trial/parameter through SHA-256, so that streams for different trials
// never overlap and a trial's draws do not depend on how many draws another trial made.
import { createHash } from 'node:crypto';
import { mulberry32, type Rng } from '../random.js';

export { mulberry32, type Rng };


/** A 32-bit seed derived from any JSON-able parts, e.g. (studySeed, 'tpe', trialNumber, param). */
export function deriveSeed(...parts: readonly unknown[]): number {
  return createHash('sha256').update(JSON.stringify(parts)).digest().readUInt32LE(0);
}

export function rngFor(...parts: readonly unknown[]): Rng {
  return mulberry32(deriveSeed(...parts));
}

/** Integer in [0, n). */
export function randomIndex(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.floor(rng() * n));
}

/** Index drawn with probability proportional to `weights` (non-negative, not all zero). */
export function weightedIndex(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((sum, w) => sum + w, 0);
  let u = rng() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i] ?? 0;
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** Fisher–Yates permutation of 0..n-1. */
export function permutation(rng: Rng, n: number): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = randomIndex(rng, i + 1);
    const tmp = order[i] as number;
    order[i] = order[j] as number;
    order[j] = tmp;
  }
  return order;
}
