// Checks, before any trial runs, that each search_space and trial.defaults name reaches training
// and that every value it can take is one training accepts. A name the trainer does not know is
// passed to the model config parser, which drops unknown keys: without this check a misspelt name
// would be searched, reported as mattering, and change nothing.
import { modelKeysOf } from '../model/check-keys.js';
import { parseModelConfig } from '../model/config.js';
import type { ModelConfig } from '../train/types.js';
import { closestName } from './closest-name.js';
import { type HpoConfig, HpoConfigError, type ParamSpec } from './config.js';
import { isTrainingParam, TRAINING_PARAM_NAMES, trainingValueProblem } from './trial-hyperparameters.js';
import type { ParamValue } from './types.js';

export interface SpaceCheckInput {
  readonly config: HpoConfig;
  /** Names the file in messages. */
  readonly configPath: string;
  /** The backbone this study's trials train. */
  readonly backbone: string;
  /** Its model config: model settings are checked against what the trials will parse. */
  readonly model: ModelConfig;
}

/** A value a parameter can take, and which key of its spec decides it. */
interface Probe {
  readonly key?: string;
  readonly label: string;
  readonly value: ParamValue;
  readonly hint?: string;
  /** Lies between accepted end points: it can fail only for its kind of number, so it is tried only when they pass. */
  readonly interior?: boolean;
}

/**
 * Throws an HpoConfigError naming every problem. Returns notes for names that are model settings
 * only of other backbones the search can pick: this study's trials ignore them.
 */
export function checkSearchParams(input: SpaceCheckInput): string[] {
  const { config, backbone } = input;
  const choice = config.search_space['backbone'];
  const backbones = [...new Set([backbone, ...(choice?.type === 'choice' ? choice.values.map(String) : [])])];
  const modelKeys = new Map(backbones.map((b) => [b, modelKeysOf(b)]));
  const entries: { path: string; name: string; probes: Probe[] }[] = [
    ...Object.entries(config.search_space)
      .filter(([name]) => name !== 'backbone')
      .map(([name, spec]) => ({ path: `search_space.${name}`, name, probes: probesOf(spec) })),
    ...Object.entries(config.trial.defaults).map(([name, value]) => ({ path: `trial.defaults.${name}`, name, probes: [{ label: JSON.stringify(value), value }] })),
  ];
  const issues: string[] = [];
  const notes: string[] = [];
  const names = [...new Set([...TRAINING_PARAM_NAMES, ...[...modelKeys.values()].flat()])];
  let unknown = false;
  for (const { path, name, probes } of entries) {
    let problemOf: (value: ParamValue) => string | undefined;
    let judge: string;
    if (isTrainingParam(name)) {
      problemOf = (value) => trainingValueProblem(name, value);
      judge = 'training';
    } else if (modelKeys.get(backbone)?.includes(name)) {
      problemOf = modelValueChecker(input.model, name);
      judge = `the ${backbone} model config`;
    } else {
      const users = backbones.filter((b) => modelKeys.get(b)?.includes(name));
      if (users.length > 0) notes.push(`note: ${path} does not apply to ${backbone} trials (a model setting of ${users.join(', ')} only); it is recorded with each trial but changes nothing`);
      else {
        const guess = closestName(name, names);
        issues.push(`${path}: unknown name: neither a training hyperparameter nor a model setting of ${backbones.join(' or ')}, so trials would ignore it; ${guess === undefined ? 'rename or remove it' : `did you mean "${guess}"?`}`);
        unknown = true;
      }
      continue;
    }
    const before = issues.length;
    for (const probe of probes) {
      if (probe.interior && issues.length > before) continue;
      const problem = problemOf(probe.value);
      if (problem === undefined) continue;
      const where = probe.key === undefined ? path : `${path}.${probe.key}`;
      issues.push(`${where}: ${probe.label} is not accepted by ${judge} (${problem})${probe.hint ?? ''}`);
    }
  }
  if (issues.length > 0) {
    const valid = unknown ? validNames(backbones, modelKeys) : [];
    throw new HpoConfigError([`${input.configPath}: invalid search parameters`, ...issues.map((i) => `  ${i}`), ...valid, 'Fix these keys and run again.'].join('\n'));
  }
  return notes;
}

function modelValueChecker(model: ModelConfig, name: string): (value: ParamValue) => string | undefined {
  // A model config that is invalid on its own is training's to report, not the search's.
  try {
    parseModelConfig(model);
  } catch {
    return () => undefined;
  }
  return (value) => {
    try {
      parseModelConfig(model, { [name]: value });
      return undefined;
    } catch (error) {
      return (error as Error).message.replace(/\s*\n\s*/g, ' ');
    }
  };
}

/** The end points, every choice, and for a continuous range one fractional draw. */
function probesOf(spec: ParamSpec): Probe[] {
  if (spec.type === 'choice') return spec.values.map((value, i) => ({ key: `values.${i}`, label: `value ${JSON.stringify(value)}`, value }));
  const ends: Probe[] = [
    { key: 'min', label: `min ${spec.min}`, value: spec.min },
    { key: 'max', label: `max ${spec.max}`, value: spec.max },
  ];
  if (spec.type === 'int') return ends;
  if (spec.type === 'uniform' && spec.step !== undefined) {
    const second = Number.parseFloat((spec.min + spec.step).toPrecision(12));
    return second < spec.max ? [...ends, { key: 'step', label: `the draw min + step = ${second}`, value: second, interior: true }] : ends;
  }
  const middle = (spec.min + spec.max) / 2;
  const fractional = Number.isInteger(middle) ? middle + Math.min(0.5, (spec.max - spec.min) / 4) : middle;
  return [...ends, { key: 'type', label: `a ${spec.type} draw such as ${fractional}`, value: fractional, hint: '; use type: int or choice', interior: true }];
}

function validNames(backbones: readonly string[], modelKeys: ReadonlyMap<string, readonly string[]>): string[] {
  return [
    'Valid names:',
    `  training hyperparameters: ${TRAINING_PARAM_NAMES.join(', ')}`,
    ...backbones.map((b) => `  ${b} model settings: ${modelKeys.get(b)?.join(', ') || '(none: the model code does not know this backbone)'}`),
  ];
}
