// What "better" means for a training: the validation number that picks the best checkpoint and
// drives early stopping. The search optimises the same number, so a trial's kept checkpoint is
// the epoch its score comes from.
import type { EpochRecord } from './types.js';

export const OBJECTIVE_METRICS = [
  'macro-f1',
  'micro-f1',
  'micro-precision',
  'micro-recall',
  'token-accuracy',
  'validation-loss',
] as const;

export type ObjectiveMetric = (typeof OBJECTIVE_METRICS)[number];
export type Goal = 'maximize' | 'minimize';

export interface Objective {
  readonly metric: ObjectiveMetric;
  readonly goal: Goal;
}

export const DEFAULT_OBJECTIVE: Objective = { metric: 'macro-f1', goal: 'maximize' };

/** The only sensible goal for `metric`: scores are maximised, the loss minimised. */
export function naturalGoal(metric: ObjectiveMetric): Goal {
  return metric === 'validation-loss' ? 'minimize' : 'maximize';
}

export function objectiveValue(record: Pick<EpochRecord, 'validation' | 'validationLoss'>, metric: ObjectiveMetric): number {
  switch (metric) {
    case 'macro-f1':
      return record.validation.macroF1;
    case 'micro-f1':
      return record.validation.microF1;
    case 'micro-precision':
      return record.validation.microPrecision;
    case 'micro-recall':
      return record.validation.microRecall;
    case 'token-accuracy':
      return record.validation.tokenAccuracy;
    case 'validation-loss':
      return record.validationLoss;
  }
}

/** True when `value` is strictly better than `best` (null: nothing scored yet); NaN never is. */
export function improves(value: number, best: number | null, goal: Goal): boolean {
  if (Number.isNaN(value)) return false;
  if (best === null) return true;
  return goal === 'maximize' ? value > best : value < best;
}
