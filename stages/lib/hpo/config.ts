// config/hpo/*.yaml: schema, defaults and readable validation errors.
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { InputError } from '../input-error.js';
import { DEFAULT_OBJECTIVE, naturalGoal, OBJECTIVE_METRICS, type Objective, type ObjectiveMetric } from '../train/objective.js';

const finite = z.number().finite();

const choiceParam = z.strictObject({
  type: z.literal('choice'),
  values: z.array(z.union([z.string(), finite, z.boolean()])).min(1, 'needs at least one value'),
});
const uniformParam = z.strictObject({
  type: z.literal('uniform'),
  min: finite,
  max: finite,
  /** Optional quantisation of the sampled value. */
  step: finite.positive().optional(),
  /** Evenly spaced values used by the grid sampler. */
  grid_points: z.int().min(2).optional(),
});
const logUniformParam = z.strictObject({
  type: z.literal('loguniform'),
  min: finite.positive('must be > 0 for a log scale'),
  max: finite.positive('must be > 0 for a log scale'),
  /** Log-spaced values used by the grid sampler. */
  grid_points: z.int().min(2).optional(),
});
const intParam = z.strictObject({
  type: z.literal('int'),
  min: z.int(),
  max: z.int(),
  step: z.int().min(1).default(1),
});

const paramSchema = z
  .discriminatedUnion('type', [choiceParam, uniformParam, logUniformParam, intParam], {
    error: 'type must be one of choice, uniform, loguniform, int',
  })
  .superRefine((param, ctx) => {
    if (param.type !== 'choice' && !(param.min < param.max)) {
      ctx.addIssue({ code: 'custom', message: `min (${param.min}) must be less than max (${param.max})` });
    }
  });

const samplingSchema = z.strictObject({
  algorithm: z.enum(['random', 'grid', 'tpe']),
  max_trials: z.int().min(1),
  timeout_minutes: finite.positive().optional(),
  seed: z.int().default(0),
  /** Trials run at once; also fixes which results each suggestion may see (see study.ts). */
  parallelism: z.int().min(1).default(1),
  /** TPE: random trials before the model is used. */
  n_startup_trials: z.int().min(1).default(10),
  /** TPE: candidates drawn from l(x) per suggestion. */
  n_ei_candidates: z.int().min(1).default(24),
});

const earlyTerminationSchema = z
  .strictObject({
    policy: z.enum(['median', 'bandit', 'none']),
    evaluation_interval: z.int().min(1).default(1),
    delay_evaluation: z.int().min(0).default(0),
    slack_factor: finite.nonnegative().optional(),
    slack_amount: finite.nonnegative().optional(),
    /** median: completed trials needed before anything is pruned. */
    n_startup_trials: z.int().min(0).default(5),
    /** median: completed trials that must have reported a step for it to be judged. */
    n_min_trials: z.int().min(1).default(1),
  })
  .superRefine((policy, ctx) => {
    if (policy.policy !== 'bandit') return;
    if ((policy.slack_factor === undefined) === (policy.slack_amount === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'bandit needs exactly one of slack_factor or slack_amount' });
    }
  });

export { OBJECTIVE_METRICS };

// The goal follows from the metric; one stated against it would make the search pick the worst trial.
const objectiveSchema = z
  .strictObject({
    metric: z.enum(OBJECTIVE_METRICS).default(DEFAULT_OBJECTIVE.metric),
    goal: z.enum(['maximize', 'minimize']).optional(),
  })
  .transform(({ metric, goal }, ctx): Objective => {
    const natural = naturalGoal(metric);
    if (goal !== undefined && goal !== natural) {
      ctx.addIssue({ code: 'custom', path: ['goal'], message: `${goal} ${metric} would pick the worst trial; use goal: ${natural}, or leave goal out` });
      return z.NEVER;
    }
    return { metric, goal: natural };
  });

const trialSchema = z.strictObject({
  epochs: z.int().min(1),
  /** Early-stopping patience inside a trial; 0 turns it off. */
  patience: z.int().min(0).default(0),
  /** Training seed, the same for every trial so trials differ only by their parameters. */
  seed: z.int().optional(),
  backend: z.enum(['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']).default('auto'),
  /** Fixed hyperparameters (same names as the search space) for everything not searched. */
  defaults: z.record(z.string(), z.union([z.string(), finite, z.boolean()])).default({}),
});

export const hpoConfigSchema = z.strictObject({
  search_space: z.record(z.string(), paramSchema).refine((space) => Object.keys(space).length > 0, {
    message: 'needs at least one parameter',
  }),
  sampling: samplingSchema,
  early_termination: earlyTerminationSchema.default({
    policy: 'none',
    evaluation_interval: 1,
    delay_evaluation: 0,
    n_startup_trials: 5,
    n_min_trials: 1,
  }),
  objective: objectiveSchema.prefault({}),
  trial: trialSchema,
});

export type HpoConfig = z.infer<typeof hpoConfigSchema>;
export type ParamSpec = z.infer<typeof paramSchema>;
export type SearchSpace = Readonly<Record<string, ParamSpec>>;
export type SamplingConfig = z.infer<typeof samplingSchema>;
export type EarlyTerminationConfig = z.infer<typeof earlyTerminationSchema>;
export type ObjectiveConfig = z.infer<typeof objectiveSchema>;
export type TrialConfig = z.infer<typeof trialSchema>;
export type { ObjectiveMetric };

export class HpoConfigError extends InputError {
  override name = 'HpoConfigError';
}

/** Validates an already parsed document; `source` names it in errors. */
export function parseHpoConfig(document: unknown, source: string): HpoConfig {
  const result = hpoConfigSchema.safeParse(document);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const key = issue.path.map(String).join('.') || '(top level)';
    return `  ${key}: ${issue.message}`;
  });
  throw new HpoConfigError(`${source}: invalid HPO config\n${lines.join('\n')}\nFix these keys and run again.`);
}

export function loadHpoConfig(file: string): HpoConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new HpoConfigError(`${file}: cannot read HPO config (${(error as Error).message})`);
  }
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new HpoConfigError(`${file}: not valid YAML: ${(error as Error).message}`);
  }
  return parseHpoConfig(document, file);
}
