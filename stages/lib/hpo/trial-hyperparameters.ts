// Search-space names (snake_case, as in config/hpo/*.yaml) → the training contract's Hyperparameters.
import { z } from 'zod';
import { hyperparametersSchema } from '../train/hyper-schema.js';
import type { Hyperparameters } from '../train/types.js';
import type { TrialConfig } from './config.js';
import type { ParamValue, Params } from './types.js';

export { objectiveValue } from '../train/objective.js';

const BASE: Omit<Hyperparameters, 'epochs' | 'patience'> = {
  learningRate: 0.001,
  batchSize: 32,
  dropout: 0.1,
  weightDecay: 0,
  warmupRatio: 0,
  schedule: 'linear',
  clipNorm: 1,
  classWeighting: false,
};

// The limits are training's own (hyper-schema.ts), which also checks the winner before final training.
const limits = hyperparametersSchema.shape;
const TRAINING: Readonly<Record<string, { readonly key: keyof Hyperparameters; readonly schema: z.ZodType }>> = {
  learning_rate: { key: 'learningRate', schema: limits.learningRate },
  batch_size: { key: 'batchSize', schema: limits.batchSize },
  dropout: { key: 'dropout', schema: limits.dropout },
  weight_decay: { key: 'weightDecay', schema: limits.weightDecay },
  warmup_ratio: { key: 'warmupRatio', schema: limits.warmupRatio },
  clip_norm: { key: 'clipNorm', schema: limits.clipNorm },
  class_weight_power: { key: 'classWeightPower', schema: limits.classWeightPower.unwrap() },
  schedule: { key: 'schedule', schema: limits.schedule },
  class_weighting: { key: 'classWeighting', schema: limits.classWeighting },
};

/** Search-space names that set a training hyperparameter; any other name overrides the model config. */
export const TRAINING_PARAM_NAMES: readonly string[] = Object.keys(TRAINING);

export function isTrainingParam(name: string): boolean {
  return Object.hasOwn(TRAINING, name);
}

/** Why training rejects `value` for the training hyperparameter `name`; undefined when it accepts it. */
export function trainingValueProblem(name: string, value: ParamValue): string | undefined {
  const param = TRAINING[name];
  if (param === undefined) throw new Error(`${name} is not a training hyperparameter`);
  const result = param.schema.safeParse(value);
  return result.success ? undefined : result.error.issues.map((issue) => issue.message).join('; ');
}

/** trial.defaults, then the trial's params; names the trainer does not know become model overrides. */
export function toHyperparameters(params: Params, trial: TrialConfig): Hyperparameters {
  const hyper: Record<string, unknown> = { ...BASE, epochs: trial.epochs, patience: trial.patience };
  const model: Record<string, unknown> = {};
  for (const [name, value] of [...Object.entries(trial.defaults), ...Object.entries(params)]) {
    const param = TRAINING[name];
    if (param === undefined) {
      model[name] = value;
      continue;
    }
    const problem = trainingValueProblem(name, value);
    if (problem !== undefined) throw new TypeError(`${name}: ${JSON.stringify(value)} is not accepted (${problem})`);
    hyper[param.key] = value;
  }
  if (Object.keys(model).length > 0) hyper.model = model;
  return hyper as unknown as Hyperparameters;
}
