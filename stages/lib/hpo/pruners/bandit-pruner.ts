// Azure ML's bandit policy: at each evaluated step, stop a trial whose value is not within the
// slack of the best value any earlier trial reported at that step.
import { bestOf } from '../types.js';
import type { Pruner } from './pruner.js';
import { valueAt } from './pruner.js';

export interface BanditPrunerOptions {
  readonly evaluationInterval: number;
  /** Steps before this are never judged. */
  readonly delayEvaluation: number;
  /** Relative slack: maximize → prune if value < best / (1 + f); minimize → value > best · (1 + f). */
  readonly slackFactor?: number;
  /** Absolute slack: maximize → prune if value < best − a; minimize → value > best + a. */
  readonly slackAmount?: number;
}

export function createBanditPruner(options: BanditPrunerOptions): Pruner {
  return {
    shouldPrune({ step, intermediate, history, goal }) {
      if (step < options.delayEvaluation || step % options.evaluationInterval !== 0) return false;
      const current = intermediate.find((point) => point.step === step)?.value;
      if (current === undefined) return false;
      if (Number.isNaN(current)) return true;
      const best = bestOf(
        history.map((t) => valueAt(t, step) ?? Number.NaN),
        goal,
      );
      if (Number.isNaN(best)) return false;
      return goal === 'maximize' ? current < lowerBound(best, options) : current > upperBound(best, options);
    },
  };
}

function lowerBound(best: number, options: BanditPrunerOptions): number {
  return options.slackAmount !== undefined ? best - options.slackAmount : best / (1 + (options.slackFactor ?? 0));
}

function upperBound(best: number, options: BanditPrunerOptions): number {
  return options.slackAmount !== undefined ? best + options.slackAmount : best * (1 + (options.slackFactor ?? 0));
}
