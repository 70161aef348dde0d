// Univariate Parzen estimators as in Optuna's TPESampler (optuna/samplers/_tpe/parzen_estimator.py):
// one kernel per observation plus a prior kernel, Optuna's weights, magic clip, no endpoints.
import { type Rng, weightedIndex } from '../prng.js';
import type { NumericDomain } from '../search-space.js';
import { normalLogPdf, normalMass, sampleTruncatedStandard } from './normal.js';

const PRIOR_WEIGHT = 1;

export interface ParzenEstimator {
  sample(rng: Rng, count: number): number[];
  logPdf(x: number): number;
}

/** Optuna's default_weights: flat for < 25 observations, else a ramp for old ones and 25 ones. */
export function observationWeights(n: number): number[] {
  if (n < 25) return Array.from({ length: n }, () => 1);
  const rampLength = n - 25;
  const ramp = Array.from({ length: rampLength }, (_, i) =>
    rampLength === 1 ? 1 / n : 1 / n + ((1 - 1 / n) * i) / (rampLength - 1),
  );
  return [...ramp, ...Array.from({ length: 25 }, () => 1)];
}

function mixtureWeights(observationCount: number): number[] {
  if (observationCount === 0) return [1];
  const weights = [...observationWeights(observationCount), PRIOR_WEIGHT];
  const total = weights.reduce((sum, w) => sum + w, 0);
  return weights.map((w) => w / total);
}

/** Kernel bandwidths for `mus` (the observations, prior excluded), univariate rule + magic clip. */
export function univariateSigmas(mus: readonly number[], domain: NumericDomain): number[] {
  const step = domain.step ?? 0;
  const priorMu = 0.5 * (domain.low + domain.high);
  const withPrior = [...mus, priorMu];
  const order = withPrior.map((_, i) => i).sort((i, j) => (withPrior[i] as number) - (withPrior[j] as number));
  const sorted = order.map((i) => withPrior[i] as number);
  const withEnds = [domain.low - step / 2, ...sorted, domain.high + step / 2];
  const at = (i: number) => withEnds[i] as number;
  const sortedSigmas = sorted.map((_, k) => Math.max(at(k + 1) - at(k), at(k + 2) - at(k + 1)));
  if (withEnds.length >= 4) {
    sortedSigmas[0] = at(2) - at(1);
    sortedSigmas[sortedSigmas.length - 1] = at(withEnds.length - 2) - at(withEnds.length - 3);
  }
  const sigmas: number[] = new Array<number>(withPrior.length);
  order.forEach((original, k) => {
    sigmas[original] = sortedSigmas[k] as number;
  });
  const range = domain.high - domain.low + step;
  const nKernels = mus.length + 1;
  const minSigma = range / Math.min(100, 1 + nKernels);
  return sigmas.slice(0, mus.length).map((s) => Math.min(Math.max(s, minSigma), range));
}

export function numericEstimator(observations: readonly number[], domain: NumericDomain): ParzenEstimator {
  const step = domain.step ?? 0;
  const range = domain.high - domain.low + step;
  const mus = [...observations, 0.5 * (domain.low + domain.high)];
  const sigmas = [...univariateSigmas(observations, domain), range];
  const weights = mixtureWeights(observations.length);
  const lower = domain.low - step / 2;
  const upper = domain.high + step / 2;
  const kernel = (k: number) => ({ mu: mus[k] as number, sigma: sigmas[k] as number });

  const logKernel = (k: number, x: number): number => {
    const { mu, sigma } = kernel(k);
    const z = normalMass((lower - mu) / sigma, (upper - mu) / sigma);
    if (domain.step === undefined) {
      return normalLogPdf((x - mu) / sigma) - Math.log(sigma) - Math.log(z);
    }
    const cell = normalMass((x - step / 2 - mu) / sigma, (x + step / 2 - mu) / sigma);
    return Math.log(cell) - Math.log(z);
  };

  return {
    sample(rng, count) {
      return Array.from({ length: count }, () => {
        const { mu, sigma } = kernel(weightedIndex(rng, weights));
        const x = mu + sigma * sampleTruncatedStandard((lower - mu) / sigma, (upper - mu) / sigma, rng());
        if (domain.step === undefined) return Math.min(Math.max(x, domain.low), domain.high);
        const snapped = domain.low + Math.round((x - domain.low) / step) * step;
        return Math.min(Math.max(snapped, domain.low), domain.high);
      });
    },
    logPdf(x) {
      return logSumExp(weights.map((w, k) => Math.log(w) + logKernel(k, x)));
    },
  };
}

export function categoricalEstimator(observations: readonly number[], choiceCount: number): ParzenEstimator {
  const weights = mixtureWeights(observations.length);
  const rows: number[][] =
    observations.length === 0
      ? [Array.from({ length: choiceCount }, () => 1 / choiceCount)]
      : [...observations, -1].map((observed) => {
          const nKernels = observations.length + 1;
          const row = Array.from({ length: choiceCount }, (_, c) => PRIOR_WEIGHT / nKernels + (c === observed ? 1 : 0));
          const total = row.reduce((sum, w) => sum + w, 0);
          return row.map((w) => w / total);
        });
  return {
    sample(rng, count) {
      return Array.from({ length: count }, () => weightedIndex(rng, rows[weightedIndex(rng, weights)] as number[]));
    },
    logPdf(x) {
      return logSumExp(weights.map((w, k) => Math.log(w) + Math.log((rows[k] as number[])[x] ?? 0)));
    },
  };
}

function logSumExp(values: readonly number[]): number {
  const max = Math.max(...values);
  if (!Number.isFinite(max)) return max;
  return max + Math.log(values.reduce((sum, v) => sum + Math.exp(v - max), 0));
}
