// Optuna's MedianPruner (PercentilePruner(50), optuna/pruners/_percentile.py).
import { bestOf } from '../types.js';
import { isFirstInInterval, type Pruner, valueAt } from './pruner.js';

export interface MedianPrunerOptions {
  /** Completed trials needed before anything is pruned (Optuna default 5). */
  readonly nStartupTrials: number;
  /** Steps before this are never judged (Optuna default 0). */
  readonly nWarmupSteps: number;
  readonly intervalSteps: number;
  /** Completed trials that must have reported the step (Optuna default 1). */
  readonly nMinTrials: number;
}

export function createMedianPruner(options: MedianPrunerOptions): Pruner {
  return {
    shouldPrune({ step, intermediate, history, goal }) {
      if (step < options.nWarmupSteps) return false;
      const steps = intermediate.map((point) => point.step);
      if (!isFirstInInterval(step, steps, options.nWarmupSteps, options.intervalSteps)) return false;
      const completed = history.filter((t) => t.state === 'complete');
      if (completed.length === 0 || completed.length < options.nStartupTrials) return false;
      const best = bestOf(
        intermediate.map((point) => point.value),
        goal,
      );
      if (Number.isNaN(best)) return true;
      const atStep = completed
        .map((t) => valueAt(t, step))
        .filter((v): v is number => v !== undefined && !Number.isNaN(v));
      if (atStep.length < options.nMinTrials) return false;
      const median = percentile(atStep, 50);
      return goal === 'maximize' ? best < median : best > median;
    },
  };
}

/** numpy's default (linear interpolation) percentile. */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const position = ((sorted.length - 1) * q) / 100;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const lo = sorted[lower] as number;
  const hi = sorted[upper] as number;
  return lo + (hi - lo) * (position - lower);
}
