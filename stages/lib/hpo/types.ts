// Shapes shared by the HPO samplers, pruners, study runner and reports.

export type ParamValue = string | number | boolean;
export type Params = Readonly<Record<string, ParamValue>>;

export type Goal = 'maximize' | 'minimize';

export type TrialState = 'complete' | 'pruned' | 'failed';

export interface IntermediateValue {
  readonly step: number;
  readonly value: number;
}

/** A finished trial as samplers, pruners and reports see it. */
export interface FinishedTrial {
  readonly number: number;
  readonly params: Params;
  readonly state: TrialState;
  /** Objective value; null for failed trials. */
  readonly value: number | null;
  readonly lastStep: number | null;
  /** Values reported through `report(step, value)`, in step order. */
  readonly intermediate: readonly IntermediateValue[];
}

export interface TrialRecord extends FinishedTrial {
  /** Wall time of this run of the trial (a cached trial's restore time): run info, never in study files. */
  readonly durationMs: number;
  readonly error?: string;
}

/** True when `a` is strictly better than `b` under `goal`. */
export function isBetter(a: number, b: number, goal: Goal): boolean {
  return goal === 'maximize' ? a > b : a < b;
}

/** The best of `values` under `goal`, ignoring NaN; NaN when there is none. */
export function bestOf(values: readonly number[], goal: Goal): number {
  let best = Number.NaN;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (Number.isNaN(best) || isBetter(v, best, goal)) best = v;
  }
  return best;
}
