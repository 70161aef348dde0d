// Runs a study: trials in number order, up to `parallelism` at once.
//
// Determinism under parallelism: trial n is started only once every trial numbered ≤ n − P has
// finished (P = parallelism), and both its sampler and its pruner see exactly those trials. With
// P = 1 that is the usual sequential study; with P > 1 trial n never depends on which of the
// trials running next to it happen to finish first, so a study's parameters and pruning decisions
// are the same on every run and every machine, whatever the timing. The price is that a slow trial
// can hold back the start of the trial P numbers after it.
import type { ObjectiveConfig, SamplingConfig, SearchSpace } from './config.js';
import { neverPrune, type Pruner } from './pruners/index.js';
import { createSampler, type Sampler } from './samplers/index.js';
import { type FinishedTrial, type IntermediateValue, type Params, type TrialRecord, type TrialState, isBetter } from './types.js';

export interface TrialToRun {
  readonly number: number;
  readonly params: Params;
  /** The finished trials this trial's suggestion and pruning decisions depend on. */
  readonly history: readonly FinishedTrial[];
}

export type ReportFn = (step: number, value: number) => 'continue' | 'prune';

export interface TrialOutcome {
  readonly value: number | null;
  readonly state: TrialState;
  readonly lastStep: number | null;
  /** Replaces the values seen through `report` (a cached trial replays its recorded curve). */
  readonly intermediate?: readonly IntermediateValue[];
}

export type StopReason = 'max_trials' | 'grid_exhausted' | 'timeout' | 'aborted';

export interface StudyResult {
  /** Every started trial, by number. */
  readonly trials: readonly TrialRecord[];
  /** Best complete trial (ties: lowest number). */
  readonly best?: TrialRecord;
  readonly stoppedBy: StopReason;
}

export interface StudyOptions {
  readonly space: SearchSpace;
  readonly sampling: Pick<SamplingConfig, 'algorithm' | 'max_trials' | 'seed'> & Partial<SamplingConfig>;
  readonly objective: Pick<ObjectiveConfig, 'goal'>;
  readonly pruner?: Pruner;
  /** Defaults to sampling.parallelism, else 1. */
  readonly parallelism?: number;
  readonly runTrial: (trial: TrialToRun, report: ReportFn) => Promise<TrialOutcome>;
  /** Called after each trial finishes, in finishing order. */
  readonly onTrialFinished?: (trial: TrialRecord, finished: readonly TrialRecord[]) => void;
  readonly signal?: AbortSignal;
  /** Milliseconds clock; injectable for tests. */
  readonly now?: () => number;
  readonly sampler?: Sampler;
}

export async function runStudy(options: StudyOptions): Promise<StudyResult> {
  const goal = options.objective.goal;
  const sampler = options.sampler ?? createSampler(options.space, options.sampling, goal);
  const pruner = options.pruner ?? neverPrune;
  const parallelism = Math.max(1, options.parallelism ?? options.sampling.parallelism ?? 1);
  const now = options.now ?? Date.now;
  const startedAt = now();
  const timeoutMs = options.sampling.timeout_minutes === undefined ? Infinity : options.sampling.timeout_minutes * 60_000;
  const total = Math.min(options.sampling.max_trials, sampler.size ?? Infinity);

  const finished = new Map<number, TrialRecord>();
  const running = new Map<number, Promise<void>>();
  let next = 0;
  let stoppedBy: StopReason | undefined;

  const visibleTo = (n: number): FinishedTrial[] =>
    [...finished.values()].filter((t) => t.number <= n - parallelism).sort((a, b) => a.number - b.number);
  const windowFinished = (n: number) => {
    for (let k = 0; k <= n - parallelism; k++) if (!finished.has(k)) return false;
    return true;
  };

  const start = (n: number) => {
    const history = visibleTo(n);
    const params = sampler.suggest(n, history);
    const task = runOne(n, params, history).then((record) => {
      finished.set(n, record);
      running.delete(n);
      options.onTrialFinished?.(record, sortedRecords(finished));
    });
    running.set(n, task);
  };

  const runOne = async (n: number, params: Params, history: FinishedTrial[]): Promise<TrialRecord> => {
    const trialStart = now();
    const reported: IntermediateValue[] = [];
    const report: ReportFn = (step, value) => {
      const index = reported.findIndex((point) => point.step === step);
      if (index >= 0) reported.splice(index, 1);
      reported.push({ step, value });
      reported.sort((a, b) => a.step - b.step);
      return pruner.shouldPrune({ step, intermediate: reported, history, goal }) ? 'prune' : 'continue';
    };
    try {
      const outcome = await options.runTrial({ number: n, params, history }, report);
      const valid = outcome.value !== null && !Number.isNaN(outcome.value);
      const state: TrialState = outcome.state !== 'failed' && !valid ? 'failed' : outcome.state;
      return {
        number: n,
        params,
        state,
        value: state === 'failed' ? null : outcome.value,
        lastStep: outcome.lastStep,
        intermediate: [...(outcome.intermediate ?? reported)],
        durationMs: now() - trialStart,
        ...(state === 'failed' && outcome.state !== 'failed' ? { error: 'trial returned no objective value' } : {}),
      };
    } catch (error) {
      return {
        number: n,
        params,
        state: 'failed',
        value: null,
        lastStep: reported.at(-1)?.step ?? null,
        intermediate: reported,
        durationMs: now() - trialStart,
        error: error instanceof Error ? error.message : String(error),
      };
    }
  };

  for (;;) {
    while (stoppedBy === undefined && next < total && running.size < parallelism && windowFinished(next)) {
      if (options.signal?.aborted) stoppedBy = 'aborted';
      else if (now() - startedAt >= timeoutMs) stoppedBy = 'timeout';
      else start(next++);
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  if (stoppedBy === undefined) {
    const gridSize = sampler.size;
    stoppedBy = gridSize !== undefined && gridSize < options.sampling.max_trials ? 'grid_exhausted' : 'max_trials';
  }

  const trials = sortedRecords(finished);
  return { trials, stoppedBy, ...bestTrialField(trials, goal) };
}

export function bestTrial(trials: readonly TrialRecord[], goal: 'maximize' | 'minimize'): TrialRecord | undefined {
  let best: TrialRecord | undefined;
  for (const trial of trials) {
    if (trial.state !== 'complete' || trial.value === null) continue;
    if (best === undefined || isBetter(trial.value, best.value as number, goal)) best = trial;
  }
  return best;
}

function bestTrialField(trials: readonly TrialRecord[], goal: 'maximize' | 'minimize'): { best?: TrialRecord } {
  const best = bestTrial(trials, goal);
  return best === undefined ? {} : { best };
}

function sortedRecords(finished: ReadonlyMap<number, TrialRecord>): TrialRecord[] {
  return [...finished.values()].sort((a, b) => a.number - b.number);
}
