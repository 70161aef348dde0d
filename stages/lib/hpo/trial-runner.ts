// One HPO trial: train with the trial's hyperparameters, report each epoch's objective to the
// pruner, and record metrics.json + run.json in the trial directory. The trial directory is a memo
// unit, cached and restored as it is: it holds nothing the clock decides (that goes to infoDir).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { LabelSet, Sample } from '../data/sample.js';
import type { ModelConfig, TrainOptions, TrainResult } from '../train/types.js';
import type { Tracker } from '../tracking/tracker.js';
import type { HpoConfig } from './config.js';
import { stableStringify } from './stable-json.js';
import type { ReportFn, TrialOutcome } from './study.js';
import { objectiveValue, toHyperparameters } from './trial-hyperparameters.js';
import { bestOf, type IntermediateValue, type Params } from './types.js';

export type TrainModelFn = (options: TrainOptions) => Promise<TrainResult>;

export interface TrialRunInput {
  readonly dir: string;
  /** The trial's run-info directory (training timing, tracking times and ids). */
  readonly infoDir?: string;
  readonly number: number;
  readonly params: Params;
  readonly config: HpoConfig;
  readonly data: { readonly train: readonly Sample[]; readonly validation: readonly Sample[]; readonly labels: LabelSet };
  readonly model: ModelConfig;
  readonly trainModel: TrainModelFn;
  readonly report: ReportFn;
  readonly tracker: Tracker;
  readonly runName: string;
  readonly parentRunId?: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly signal?: AbortSignal;
  readonly onProgress?: TrainOptions['onProgress'];
  readonly log?: (message: string) => void;
}

export const TRIAL_METRICS_FILE = 'metrics.json';

export async function runTrainingTrial(input: TrialRunInput): Promise<TrialOutcome> {
  const { config } = input;
  const hyper = toHyperparameters(input.params, config.trial);
  const run = await input.tracker.startRun({
    name: input.runName,
    dir: input.dir,
    infoDir: input.infoDir,
    params: { ...input.params, backbone: input.model.backbone, epochs: hyper.epochs, patience: hyper.patience },
    tags: input.tags,
    ...(input.parentRunId !== undefined ? { parentRunId: input.parentRunId } : {}),
  });
  const curve: IntermediateValue[] = [];
  let pruned = false;
  try {
    // Training without validation runs every epoch and scores none; fail before spending them.
    if (input.data.validation.length === 0) {
      throw new Error(`validation split is empty: a trial is scored on it (${config.objective.metric}); check the dataset's validation.json`);
    }
    const result = await input.trainModel({
      train: input.data.train,
      validation: input.data.validation,
      labels: input.data.labels,
      model: input.model,
      hyper,
      seed: config.trial.seed ?? config.sampling.seed,
      backend: config.trial.backend,
      objective: config.objective,
      outDir: input.dir,
      runInfoDir: input.infoDir,
      ...(input.signal !== undefined ? { signal: input.signal } : {}),
      ...(input.onProgress !== undefined ? { onProgress: input.onProgress } : {}),
      ...(input.log !== undefined ? { log: input.log } : {}),
      onEpoch: async (record) => {
        const value = objectiveValue(record, config.objective.metric);
        curve.push({ step: record.epoch, value });
        run.logMetrics(
          {
            'train/loss': record.trainLoss,
            'validation/loss': record.validationLoss,
            'validation/macro_f1': record.validation.macroF1,
            'validation/micro_f1': record.validation.microF1,
            learning_rate: record.learningRate,
          },
          record.epoch,
        );
        await run.flush();
        if (input.report(record.epoch, value) === 'prune') {
          pruned = true;
          return 'stop';
        }
        return 'continue';
      },
    });
    const value = bestOf(
      curve.map((p) => p.value),
      config.objective.goal,
    );
    const outcome: TrialOutcome = {
      value: Number.isNaN(value) ? null : value,
      state: Number.isNaN(value) ? 'failed' : pruned ? 'pruned' : 'complete',
      lastStep: curve.at(-1)?.step ?? null,
      intermediate: curve,
    };
    await writeFile(
      join(input.dir, TRIAL_METRICS_FILE),
      stableStringify({ ...outcome, params: input.params, bestEpoch: result.bestEpoch, backend: result.backend, objective: config.objective }),
    );
    run.setTag('trial.state', outcome.state);
    await run.finish(outcome.state === 'failed' ? 'FAILED' : 'FINISHED');
    return outcome;
  } catch (error) {
    run.setTag('error', (error as Error).message ?? String(error));
    await run.finish('FAILED');
    throw error;
  }
}
