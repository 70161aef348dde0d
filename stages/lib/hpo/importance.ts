// Parameter importance, "fANOVA-lite": for each parameter, group complete trials into bins of its
// value (one bin per choice; up to 4 quantile bins for numbers, in log space for loguniform), take
// the variance of the bin means of the objective (weighted by bin size), divide by the objective's
// total variance, then normalise so importances sum to 1. It ignores interactions, which needs far
// more trials than a study usually has.
import type { SearchSpace } from './config.js';
import type { FinishedTrial } from './types.js';

export const IMPORTANCE_METHOD =
  'fANOVA-lite: between-bin variance of the mean objective over each parameter\'s binned values ' +
  '(choices as bins, numbers in up to 4 quantile bins, log scale for loguniform), ' +
  'divided by total variance, normalised to sum to 1; complete trials only, interactions ignored.';

const MAX_BINS = 4;

export function parameterImportance(space: SearchSpace, trials: readonly FinishedTrial[]): Record<string, number> {
  const complete = trials.filter((t) => t.state === 'complete' && t.value !== null && Number.isFinite(t.value));
  const names = Object.keys(space);
  const raw: Record<string, number> = {};
  const values = complete.map((t) => t.value as number);
  const total = variance(values);
  for (const name of names) {
    const param = space[name]!;
    if (complete.length < 2 || total === 0) {
      raw[name] = 0;
      continue;
    }
    const keys = complete.map((t) => {
      const v = t.params[name];
      if (param.type === 'choice' || typeof v !== 'number') return String(v);
      return param.type === 'loguniform' ? Math.log(v) : v;
    });
    const bins = binIndices(keys);
    const groups = new Map<number, number[]>();
    bins.forEach((bin, i) => groups.set(bin, [...(groups.get(bin) ?? []), values[i] as number]));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    let between = 0;
    for (const group of groups.values()) {
      const groupMean = group.reduce((s, v) => s + v, 0) / group.length;
      between += (group.length / values.length) * (groupMean - mean) ** 2;
    }
    raw[name] = between / total;
  }
  const sum = Object.values(raw).reduce((s, v) => s + v, 0);
  return Object.fromEntries(names.map((name) => [name, sum > 0 ? (raw[name] as number) / sum : 0]));
}

/** Bin index per key: categorical keys by value, numeric keys by rank into ≤ MAX_BINS quantile bins. */
function binIndices(keys: readonly (string | number)[]): number[] {
  if (keys.some((k) => typeof k === 'string')) {
    const distinct = [...new Set(keys.map(String))].sort();
    return keys.map((k) => distinct.indexOf(String(k)));
  }
  const numbers = keys as readonly number[];
  const distinct = [...new Set(numbers)].sort((a, b) => a - b);
  if (distinct.length <= MAX_BINS) return numbers.map((k) => distinct.indexOf(k));
  const sorted = [...numbers].sort((a, b) => a - b);
  const edges = Array.from({ length: MAX_BINS - 1 }, (_, i) => sorted[Math.floor(((i + 1) * sorted.length) / MAX_BINS)] as number);
  return numbers.map((k) => edges.filter((edge) => k >= edge).length);
}

function variance(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  return values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length;
}
