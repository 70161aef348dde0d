// Search-space names (snake_case, as in config/hpo/*.yaml) → the training contract's Hyperparameters.
import type { EpochRecord, Hyperparameters } from '../train/types.js';
import type { ObjectiveMetric, TrialConfig } from './config.js';
import type { ParamValue, Params } from './types.js';

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

type Setter = (hyper: Record<string, unknown>, value: ParamValue, name: string) => void;

const number = (key: keyof Hyperparameters): Setter => (hyper, value, name) => {
  if (typeof value !== 'number') throw new TypeError(`${name}: expected a number, got ${JSON.stringify(value)}`);
  hyper[key] = value;
};

const KNOWN: Readonly<Record<string, Setter>> = {
  learning_rate: number('learningRate'),
  batch_size: number('batchSize'),
  dropout: number('dropout'),
  weight_decay: number('weightDecay'),
  warmup_ratio: number('warmupRatio'),
  clip_norm: number('clipNorm'),
  class_weight_power: number('classWeightPower'),
  schedule: (hyper, value, name) => {
    if (value !== 'linear' && value !== 'cosine' && value !== 'constant') {
      throw new TypeError(`${name}: expected linear, cosine or constant, got ${JSON.stringify(value)}`);
    }
    hyper.schedule = value;
  },
  class_weighting: (hyper, value, name) => {
    if (typeof value !== 'boolean') throw new TypeError(`${name}: expected true or false, got ${JSON.stringify(value)}`);
    hyper.classWeighting = value;
  },
};

/** trial.defaults, then the trial's params; names the trainer does not know become model overrides. */
export function toHyperparameters(params: Params, trial: TrialConfig): Hyperparameters {
  const hyper: Record<string, unknown> = { ...BASE, epochs: trial.epochs, patience: trial.patience };
  const model: Record<string, unknown> = {};
  for (const [name, value] of [...Object.entries(trial.defaults), ...Object.entries(params)]) {
    const setter = KNOWN[name];
    if (setter) setter(hyper, value, name);
    else model[name] = value;
  }
  if (Object.keys(model).length > 0) hyper.model = model;
  return hyper as unknown as Hyperparameters;
}

export function objectiveValue(record: EpochRecord, metric: ObjectiveMetric): number {
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
