// One training trial as a stage of its own (stages/train.ts, `mode: trial`): the given parameters,
// trained and scored the way a search trains a trial with them (runTrainingTrial, the search
// config's `trial:` block and objective, no pruning), written to `out` with the files of a
// search's trial_<n>/: checkpoint/, last/, reports, metrics.json and run.json.
import { join } from 'node:path';
import { runInfoSubdir } from '../run-info.js';
import { Tracker } from '../tracking/tracker.js';
import { HpoConfigError, loadHpoConfig } from './config.js';
import { type HpoStageContext, type HpoStageDeps, readDataset, readModelConfig, stringOption } from './hpo-stage.js';
import type { TrialOutcome } from './study.js';
import { toHyperparameters } from './trial-hyperparameters.js';
import { runTrainingTrial } from './trial-runner.js';
import type { Params, ParamValue } from './types.js';

export async function runSingleTrial(ctx: HpoStageContext, deps: HpoStageDeps): Promise<TrialOutcome> {
  const required = (key: string, example: string): string => {
    const value = stringOption(ctx, key);
    if (value === undefined) throw new HpoConfigError(`${ctx.stage}: mode 'trial' needs with.${key} (for example ${example})`);
    return value;
  };
  const backbone = required('backbone', 'bilstm');
  const out = required('out', `outputs/trials/${backbone}`);
  const configPath = stringOption(ctx, 'search') ?? 'config/hpo/smoke.yaml';
  const config = loadHpoConfig(ctx.resolve(configPath));
  const params = trialParams(ctx);
  // Bad values fail here, before any data is read, as they would fail a search before its first trial.
  try {
    toHyperparameters(params, config.trial);
  } catch (error) {
    throw new HpoConfigError(`${ctx.stage}: with.params.${(error as Error).message}`);
  }
  const model = await readModelConfig(ctx, stringOption(ctx, 'model_config') ?? `config/model/${backbone}.yaml`, backbone);
  const data = await readDataset(ctx, stringOption(ctx, 'dataset') ?? 'outputs/dataset');
  const tracker = new Tracker({ experiment: stringOption(ctx, 'experiment') ?? 'resume-ner-trials', warn: (m) => ctx.log.warn(m), ...(deps.env ? { env: deps.env } : {}) });
  const outcome = await runTrainingTrial({
    dir: ctx.resolve(out),
    infoDir: runInfoSubdir(ctx.runInfoDir, 'trial'),
    number: 0,
    params,
    config,
    data,
    model,
    trainModel: await deps.trainModel(),
    report: () => 'continue',
    tracker,
    runName: ctx.stage,
    tags: { stage: ctx.stage, search_config: configPath },
    signal: ctx.signal,
    onProgress: (p) => ctx.progress(p),
    log: (m) => ctx.log.info(m),
  });
  ctx.log.info(`${ctx.stage}: ${outcome.state}, ${config.objective.metric} ${outcome.value ?? 'none'} (${join(out, 'metrics.json')})`);
  if (outcome.value !== null) ctx.metric(config.objective.metric.replace(/-/g, '_'), outcome.value);
  return outcome;
}

/** with.params: the trial's values by search-space name (learning_rate, dropout, hidden, …). */
function trialParams(ctx: HpoStageContext): Params {
  const value = ctx.with['params'];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new HpoConfigError(`${ctx.stage}: with.params must be a mapping of parameter names to values, such as {learning_rate: 0.003}`);
  }
  const params: Record<string, ParamValue> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') {
      throw new HpoConfigError(`${ctx.stage}: with.params.${name} must be a number, a string or a boolean`);
    }
    params[name] = v;
  }
  return params;
}
