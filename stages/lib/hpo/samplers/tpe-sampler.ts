// Univariate TPE after Optuna's TPESampler defaults (see ml-facts §2): random startup trials,
// gamma(n) = min(ceil(0.1·n), 25), split complete-then-pruned, l(x)/g(x) Parzen estimators,
// n_ei_candidates draws from l(x), argmax of log l − log g.
import type { ParamSpec, SearchSpace } from '../config.js';
import { rngFor } from '../prng.js';
import { fromInternal, numericDomain, toInternal } from '../search-space.js';
import type { FinishedTrial, Goal, ParamValue, Params } from '../types.js';
import { categoricalEstimator, numericEstimator, type ParzenEstimator } from './parzen-estimator.js';
import { sampleRandomParams } from './random-sampler.js';
import type { Sampler } from './sampler.js';

export interface TpeOptions {
  readonly seed: number;
  readonly goal: Goal;
  readonly nStartupTrials?: number;
  readonly nEiCandidates?: number;
}

export function gamma(n: number): number {
  return Math.min(Math.ceil(0.1 * n), 25);
}

export function createTpeSampler(space: SearchSpace, options: TpeOptions): Sampler {
  const nStartup = options.nStartupTrials ?? 10;
  const nCandidates = options.nEiCandidates ?? 24;
  return {
    suggest(trialNumber, history) {
      const observed = history.filter((t) => t.state === 'complete' || t.state === 'pruned');
      if (observed.length < nStartup) return sampleRandomParams(space, options.seed, trialNumber);
      const { below, above } = splitTrials(observed, gamma(observed.length), options.goal);
      const params: Record<string, ParamValue> = {};
      for (const [name, param] of Object.entries(space)) {
        const lower = estimator(param, observations(below, name, param));
        const upper = estimator(param, observations(above, name, param));
        const candidates = lower.sample(rngFor(options.seed, 'tpe', trialNumber, name), nCandidates);
        let best = candidates[0] as number;
        let bestScore = -Infinity;
        for (const x of candidates) {
          const score = lower.logPdf(x) - upper.logPdf(x);
          if (score > bestScore) {
            bestScore = score;
            best = x;
          }
        }
        params[name] = fromInternal(param, best);
      }
      return params;
    },
  };
}

/** Optuna's _split_trials: best complete trials first, then pruned ones by (−last step, value); both halves by number. */
export function splitTrials(
  trials: readonly FinishedTrial[],
  nBelow: number,
  goal: Goal,
): { below: FinishedTrial[]; above: FinishedTrial[] } {
  const sign = goal === 'maximize' ? -1 : 1;
  const complete = trials
    .filter((t) => t.state === 'complete' && t.value !== null && !Number.isNaN(t.value))
    .sort((a, b) => sign * ((a.value as number) - (b.value as number)) || a.number - b.number);
  const pruned = trials
    .filter((t) => t.state === 'pruned')
    .map((t) => ({ trial: t, score: prunedScore(t, goal) }))
    .sort((a, b) => a.score[0] - b.score[0] || a.score[1] - b.score[1] || a.trial.number - b.trial.number)
    .map((entry) => entry.trial);
  const belowComplete = complete.slice(0, nBelow);
  const belowPruned = pruned.slice(0, Math.max(0, nBelow - belowComplete.length));
  const below = [...belowComplete, ...belowPruned];
  const belowSet = new Set(below);
  const byNumber = (a: FinishedTrial, b: FinishedTrial) => a.number - b.number;
  return {
    below: below.sort(byNumber),
    above: [...complete, ...pruned].filter((t) => !belowSet.has(t)).sort(byNumber),
  };
}

function prunedScore(trial: FinishedTrial, goal: Goal): [number, number] {
  const last = trial.intermediate.reduce<{ step: number; value: number } | undefined>(
    (latest, point) => (latest === undefined || point.step > latest.step ? point : latest),
    undefined,
  );
  if (last === undefined) return [1, 0];
  if (Number.isNaN(last.value)) return [-last.step, Infinity];
  return [-last.step, goal === 'minimize' ? last.value : -last.value];
}

function observations(trials: readonly FinishedTrial[], name: string, param: ParamSpec): number[] {
  const xs: number[] = [];
  for (const trial of trials) {
    const value = trial.params[name];
    const x = value === undefined ? undefined : toInternal(param, value);
    if (x !== undefined) xs.push(x);
  }
  return xs;
}

function estimator(param: ParamSpec, xs: readonly number[]): ParzenEstimator {
  return param.type === 'choice' ? categoricalEstimator(xs, param.values.length) : numericEstimator(xs, numericDomain(param));
}
