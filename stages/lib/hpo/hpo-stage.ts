// The hpo@<backbone> stage: one study per backbone, each trial a memo unit.
// Run info (ctx.runInfoDir, never in the outputs or a trial's cached files): trials.json (each
// trial's wall time and whether it was restored), run.json (the study's tracking times and MLflow
// ids) and per computed trial trial_<n>/timing.json and trial_<n>/run.json.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { LabelSet, Sample } from '../data/sample.js';
import { InputError } from '../input-error.js';
import { unknownModelKeysProblem } from '../model/check-keys.js';
import { runInfoSubdir, writeRunInfo } from '../run-info.js';
import type { ModelConfig } from '../train/types.js';
import { Tracker } from '../tracking/tracker.js';
import { type HpoConfig, HpoConfigError, loadHpoConfig, type SearchSpace } from './config.js';
import { hashPaths } from './hash-files.js';
import { createPruner } from './pruners/index.js';
import { type StudyFile, trialDirName, writeStudyFiles } from './study-files.js';
import { checkSearchParams } from './space-check.js';
import { runStudy, type StudyResult, type TrialOutcome } from './study.js';
import { runTrainingTrial, type TrainModelFn } from './trial-runner.js';
import { isBetter, type TrialRecord } from './types.js';

/** The parts of the engine's StageContext this stage uses (lib code cannot import the engine). */
export interface HpoStageContext {
  readonly stage: string;
  readonly root: string;
  readonly with: Readonly<Record<string, unknown>>;
  resolve(relativePath: string): string;
  readonly runInfoDir?: string;
  readonly log: { info(message: string): void; warn(message: string): void };
  progress(progress: { current: number; total?: number; unit?: string; message?: string; task?: string }): void;
  metric(name: string, value: number, step?: number): void;
  memo<T>(
    key: unknown,
    options: { dir: string; label?: string; cpu?: number },
    compute: (dir: string) => Promise<T>,
  ): Promise<{ dir: string; value: T; hit: boolean }>;
  readonly signal: AbortSignal;
}

export interface HpoStageDeps {
  readonly trainModel: () => Promise<TrainModelFn>;
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Everything whose change must re-run a trial's training. */
export const DEFAULT_CODE_PATHS = ['stages/lib/train', 'stages/lib/model', 'stages/lib/tf', 'stages/lib/data'];
const TRIAL_FORMAT = 1;

export async function runHpoStage(ctx: HpoStageContext, deps: HpoStageDeps): Promise<StudyFile> {
  const backbone = stringOption(ctx, 'backbone');
  if (backbone === undefined) {
    throw new HpoConfigError(`${ctx.stage}: with.backbone is required (set it through the stage's matrix over backbones)`);
  }
  const configPath = stringOption(ctx, 'config') ?? 'config/hpo/smoke.yaml';
  const config = loadHpoConfig(ctx.resolve(configPath));
  const space = studySpace(config, backbone, configPath);
  const datasetDir = stringOption(ctx, 'dataset') ?? 'outputs/dataset';
  const modelPath = stringOption(ctx, 'model_config') ?? `config/model/${backbone}.yaml`;
  const outDir = stringOption(ctx, 'out') ?? `outputs/hpo/${backbone}`;

  const model = await readModelConfig(ctx, modelPath, backbone);
  for (const note of checkSearchParams({ config, configPath, backbone, model })) ctx.log.info(note);
  const data = await readDataset(ctx, datasetDir);
  const dataHash = await hashPaths(ctx.root, ['train.json', 'validation.json', 'labels.json'].map((f) => `${datasetDir}/${f}`), { required: true });
  const codeVersion = `${TRIAL_FORMAT}:${await hashPaths(ctx.root, DEFAULT_CODE_PATHS)}`;
  const trialConfig = {
    trial: config.trial,
    objective: config.objective,
    earlyTermination: config.early_termination,
    seed: config.trial.seed ?? config.sampling.seed,
  };

  const tracker = new Tracker({ experiment: stringOption(ctx, 'experiment') ?? 'resume-ner-hpo', warn: (m) => ctx.log.warn(m), ...(deps.env ? { env: deps.env } : {}) });
  const parent = await tracker.startRun({
    name: ctx.stage,
    dir: ctx.resolve(outDir),
    infoDir: ctx.runInfoDir,
    params: { backbone, algorithm: config.sampling.algorithm, max_trials: config.sampling.max_trials, seed: config.sampling.seed },
    tags: { stage: ctx.stage, data_hash: dataHash, code_version: codeVersion },
  });
  // Loaded on the first cache miss: a fully cached study never loads the training code.
  let trainModel: Promise<TrainModelFn> | undefined;
  let finishedCount = 0;
  let best: number | undefined;
  const restored = new Set<number>();
  const pruning = config.early_termination.policy !== 'none';

  const result = await runStudy({
    space,
    sampling: config.sampling,
    objective: config.objective,
    pruner: createPruner(config.early_termination),
    signal: ctx.signal,
    onTrialFinished: (trial) => {
      finishedCount++;
      const how = restored.has(trial.number) ? 'restored' : trial.state;
      const line = `trial ${trial.number}: ${how} in ${(trial.durationMs / 1000).toFixed(1)} s`;
      if (trial.state === 'failed') ctx.log.warn(`${line}: ${failureReason(trial, config.objective.metric)}`);
      else ctx.log.info(line);
      if (trial.state === 'complete' && trial.value !== null && (best === undefined || isBetter(trial.value, best, config.objective.goal))) best = trial.value;
      ctx.progress({
        current: finishedCount,
        total: config.sampling.max_trials,
        unit: 'trial',
        message: best === undefined ? `trial ${trial.number} ${trial.state}` : `best ${config.objective.metric} ${best.toFixed(4)}`,
      });
    },
    runTrial: async (trial, report) => {
      const key = {
        data: dataHash,
        model,
        params: trial.params,
        trialConfig,
        code: codeVersion,
        // A pruned trial's result depends on the trials it was compared with.
        ...(pruning ? { compared: trial.history.map((t) => [t.number, t.state, t.value, t.intermediate]) } : {}),
      };
      const memo = await ctx.memo<TrialOutcome>(
        key,
        { dir: `${outDir}/${trialDirName(trial.number)}`, label: `trial ${trial.number}`, cpu: 1 },
        async (dir) =>
          runTrainingTrial({
            dir,
            infoDir: runInfoSubdir(ctx.runInfoDir, trialDirName(trial.number)),
            number: trial.number,
            params: trial.params,
            config,
            data,
            model,
            trainModel: await (trainModel ??= deps.trainModel()),
            report,
            tracker,
            runName: `${ctx.stage} trial ${trial.number}`,
            ...(parent.mlflowRunId !== undefined ? { parentRunId: parent.mlflowRunId } : {}),
            tags: { stage: ctx.stage, trial: String(trial.number), data_hash: dataHash, code_version: codeVersion },
            signal: ctx.signal,
            onProgress: (p) => ctx.progress({ ...p, task: trialDirName(trial.number) }),
            log: (m) => ctx.log.info(`trial ${trial.number}: ${m}`),
          }),
      );
      if (memo.hit) {
        restored.add(trial.number);
        ctx.log.info(`trial ${trial.number}: cached (${memo.value.state}, ${config.objective.metric} ${memo.value.value})`);
      }
      return memo.value;
    },
  });
  await writeRunInfo(ctx.runInfoDir, 'trials.json', {
    trials: result.trials.map((t) => ({ number: t.number, state: t.state, restored: restored.has(t.number), durationMs: Math.round(t.durationMs) })),
  });
  if (ctx.signal.aborted) {
    await parent.finish('FAILED');
    throw new Error(`${ctx.stage}: cancelled after ${result.trials.length} trials`);
  }

  const study = await writeStudyFiles({
    dir: ctx.resolve(outDir),
    relativeDir: outDir,
    backbone,
    space,
    sampling: config.sampling,
    earlyTermination: config.early_termination,
    objective: config.objective,
    lineage: { dataHash, codeVersion, modelConfig: model, fixed: trialConfig },
    result,
  });
  if (study.best !== null && study.best.objective !== null) {
    ctx.metric(`best_${config.objective.metric.replace(/-/g, '_')}`, study.best.objective);
    parent.logMetric(`best_${config.objective.metric.replace(/-/g, '_')}`, study.best.objective, 0);
  } else {
    await parent.finish('FAILED');
    throw new InputError(noTrialCompleted(ctx.stage, result, config.objective.metric, `${outDir}/report.md`));
  }
  await parent.finish('FINISHED');
  return study;
}

/** The first line of why a trial failed (a trial that trained but never scored has no error). */
function failureReason(trial: TrialRecord, metric: string): string {
  return trial.error?.split('\n')[0] ?? `no epoch produced a ${metric} value`;
}

function noTrialCompleted(stage: string, result: StudyResult, metric: string, report: string): string {
  const count = (state: string) => result.trials.filter((t) => t.state === state).length;
  const summary = `${stage}: no trial completed (${count('failed')} failed, ${count('pruned')} pruned of ${result.trials.length})`;
  const failed = result.trials.find((t) => t.state === 'failed');
  if (failed === undefined) return `${summary}; see ${report} and widen the search or relax early_termination`;
  return `${summary}; trial ${failed.number} failed: ${failureReason(failed, metric)}. Fix that and run again (all trials: ${report})`;
}

function studySpace(config: HpoConfig, backbone: string, configPath: string): SearchSpace {
  const { backbone: backboneParam, ...rest } = config.search_space;
  if (backboneParam?.type === 'choice' && !backboneParam.values.includes(backbone)) {
    throw new HpoConfigError(
      `${configPath}: search_space.backbone lists ${backboneParam.values.join(', ')} but this stage runs backbone '${backbone}'; add it or change the matrix`,
    );
  }
  if (Object.keys(rest).length === 0) throw new HpoConfigError(`${configPath}: search_space has nothing to search besides backbone`);
  return rest;
}

export function stringOption(ctx: HpoStageContext, key: string): string | undefined {
  const value = ctx.with[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw new HpoConfigError(`${ctx.stage}: with.${key} must be a non-empty string`);
  return value;
}

async function readJson<T>(ctx: HpoStageContext, path: string, what: string): Promise<T> {
  let text: string;
  try {
    text = await readFile(ctx.resolve(path), 'utf8');
  } catch {
    throw new Error(`${ctx.stage}: ${path} not found (${what}); run the dataset stage first or set with.dataset`);
  }
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`${ctx.stage}: ${path} is not valid JSON (${(error as Error).message})`);
  }
}

export async function readDataset(ctx: HpoStageContext, dir: string) {
  return {
    train: await readJson<Sample[]>(ctx, join(dir, 'train.json'), 'training split'),
    validation: await readJson<Sample[]>(ctx, join(dir, 'validation.json'), 'validation split'),
    labels: await readJson<LabelSet>(ctx, join(dir, 'labels.json'), 'label set'),
  };
}

export async function readModelConfig(ctx: HpoStageContext, path: string, backbone: string): Promise<ModelConfig> {
  let document: unknown;
  try {
    document = parseYaml(await readFile(ctx.resolve(path), 'utf8'));
  } catch (error) {
    throw new HpoConfigError(`${ctx.stage}: cannot read model config ${path} (${(error as Error).message}); set with.model_config`);
  }
  if (document !== null && typeof document !== 'object') throw new HpoConfigError(`${path}: expected a mapping of model settings`);
  const settings = (document ?? {}) as Record<string, unknown>;
  const problem = unknownModelKeysProblem(settings, backbone, path);
  if (problem !== undefined) throw new HpoConfigError(problem);
  return { ...settings, backbone };
}
