import type { FinishedTrial, Params } from '../types.js';

/**
 * Suggests parameters for trial `trialNumber`. Deterministic: the result depends only on the
 * sampler's seed, `trialNumber` and `history` (the finished trials the study lets it see).
 */
export interface Sampler {
  /** Number of distinct points (the grid size), when finite. */
  readonly size?: number;
  suggest(trialNumber: number, history: readonly FinishedTrial[]): Params;
}
