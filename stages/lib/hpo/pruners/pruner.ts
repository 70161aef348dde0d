import type { FinishedTrial, Goal, IntermediateValue } from '../types.js';

export interface PruneQuestion {
  readonly step: number;
  /** This trial's reported values so far, the current step included. */
  readonly intermediate: readonly IntermediateValue[];
  /** Finished trials the study lets this trial compare against. */
  readonly history: readonly FinishedTrial[];
  readonly goal: Goal;
}

export interface Pruner {
  shouldPrune(question: PruneQuestion): boolean;
}

export const neverPrune: Pruner = { shouldPrune: () => false };

/**
 * Optuna's interval rule: judge a step only if no earlier reported step fell in the same interval
 * window, so a skipped check happens at the next reported step.
 */
export function isFirstInInterval(
  step: number,
  reportedSteps: readonly number[],
  warmupSteps: number,
  intervalSteps: number,
): boolean {
  const nearestLowerPruningStep = Math.floor((step - warmupSteps) / intervalSteps) * intervalSteps + warmupSteps;
  let secondLast = -1;
  for (const s of reportedSteps) if (s > secondLast && s !== step) secondLast = s;
  return secondLast < nearestLowerPruningStep;
}

export function valueAt(trial: FinishedTrial, step: number): number | undefined {
  return trial.intermediate.find((point) => point.step === step)?.value;
}
