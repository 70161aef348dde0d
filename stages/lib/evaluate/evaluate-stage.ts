// The evaluate stage: a trained checkpoint scored on dataset splits → one metrics JSON.
//
// with: checkpoint (dir, default outputs/final_training/checkpoint) or best_configuration (a
//       select output: the winning trial's own checkpoint is evaluated, or with backbone: that
//       backbone's best trial's), dataset (dir, default outputs/dataset), splits (default
//       [validation, test]), out (default outputs/evaluation/metrics.json), backend (default wasm)
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Sample } from '../data/sample.js';
import type { BackendChoice } from '../tf/index.js';
import { evaluateCheckpoint, type CheckpointEvaluation } from './evaluate-checkpoint.js';

/** The parts of the engine's StageContext this stage uses (lib code cannot import the engine). */
export interface EvaluateStageContext {
  readonly stage: string;
  readonly with: Readonly<Record<string, unknown>>;
  resolve(relativePath: string): string;
  readonly log: { info(message: string): void };
  progress(progress: { current: number; total?: number; unit?: string; message?: string }): void;
  metric(name: string, value: number, step?: number): void;
}

export class EvaluationError extends Error {
  override name = 'EvaluationError';
}

const BACKENDS: readonly BackendChoice[] = ['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu'];
const SPLIT_NAME = /^[A-Za-z0-9_-]+$/;
const RESERVED_KEYS = new Set(['backbone', 'checkpoint', 'epoch']);

function stringOption(ctx: EvaluateStageContext, key: string): string | undefined {
  const value = ctx.with[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || value === '') throw new EvaluationError(`${ctx.stage}: with.${key} must be a non-empty string`);
  return value;
}

function splitNames(ctx: EvaluateStageContext): string[] {
  const value = ctx.with['splits'] ?? ['validation', 'test'];
  const names = Array.isArray(value) ? value : [value];
  if (names.length === 0) throw new EvaluationError(`${ctx.stage}: with.splits is empty; list the splits to score, e.g. [validation, test]`);
  for (const name of names) {
    if (typeof name !== 'string' || !SPLIT_NAME.test(name) || RESERVED_KEYS.has(name)) {
      throw new EvaluationError(`${ctx.stage}: with.splits: ${JSON.stringify(name)} is not a split name (expected e.g. validation or test)`);
    }
  }
  if (new Set(names).size !== names.length) throw new EvaluationError(`${ctx.stage}: with.splits names a split twice`);
  return names as string[];
}

async function readJson(path: string, shownAs: string, missing: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new EvaluationError(`${shownAs} not found; ${missing}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new EvaluationError(`${shownAs} is not valid JSON (${(error as Error).message}); ${missing}`);
  }
}

/** The project-relative checkpoint directory: with.checkpoint, or the selected trial's. */
export async function checkpointPath(ctx: EvaluateStageContext): Promise<string> {
  const checkpoint = stringOption(ctx, 'checkpoint');
  const bestFile = stringOption(ctx, 'best_configuration');
  const backbone = stringOption(ctx, 'backbone');
  if (checkpoint !== undefined && bestFile !== undefined) {
    throw new EvaluationError(`${ctx.stage}: set with.checkpoint or with.best_configuration, not both`);
  }
  if (backbone !== undefined && bestFile === undefined) {
    throw new EvaluationError(`${ctx.stage}: with.backbone picks a backbone's best trial from with.best_configuration; set that too`);
  }
  if (bestFile === undefined) return checkpoint ?? 'outputs/final_training/checkpoint';
  type Entry = { trialDir?: unknown } | null;
  const best = (await readJson(ctx.resolve(bestFile), `${ctx.stage}: ${bestFile}`, 'run the select stage first')) as {
    best?: Entry;
    backbones?: Record<string, Entry>;
  };
  let entry: Entry | undefined = best.best;
  let where = 'best.trialDir';
  if (backbone !== undefined) {
    const known = Object.keys(best.backbones ?? {});
    if (!known.includes(backbone)) {
      throw new EvaluationError(`${ctx.stage}: ${bestFile} has no backbone '${backbone}' (it has ${known.join(', ') || 'none'}); check with.backbone`);
    }
    entry = best.backbones?.[backbone];
    if (entry === null) throw new EvaluationError(`${ctx.stage}: no trial of backbone '${backbone}' completed (${bestFile}); there is no checkpoint to score`);
    where = `backbones.${backbone}.trialDir`;
  }
  const trialDir = entry?.trialDir;
  if (typeof trialDir !== 'string' || trialDir === '') {
    throw new EvaluationError(`${ctx.stage}: ${bestFile} has no ${where}; it must be written by the select stage`);
  }
  return `${trialDir}/checkpoint`;
}

async function readSplit(ctx: EvaluateStageContext, dataset: string, split: string): Promise<Sample[]> {
  const file = `${dataset}/${split}.json`;
  const hint =
    split === 'test'
      ? 'the dataset has no test split: give the data config split.test (a fraction) or files.test, or drop test from with.splits'
      : `the dataset has no ${split} split; run the dataset stage, or drop ${split} from with.splits`;
  const samples = await readJson(ctx.resolve(file), `${ctx.stage}: ${file}`, hint);
  if (!Array.isArray(samples)) throw new EvaluationError(`${ctx.stage}: ${file} must be a JSON array of samples`);
  if (samples.length === 0) throw new EvaluationError(`${ctx.stage}: ${file} is empty; there is nothing to score`);
  return samples as Sample[];
}

/** metrics.json: the checkpoint's identity, then one block of scores per split. */
export function formatEvaluation(checkpoint: string, evaluation: CheckpointEvaluation): string {
  return `${JSON.stringify({ backbone: evaluation.backbone, checkpoint, epoch: evaluation.epoch, ...evaluation.splits }, null, 2)}\n`;
}

export async function runEvaluateStage(ctx: EvaluateStageContext): Promise<CheckpointEvaluation> {
  const checkpoint = await checkpointPath(ctx);
  const dataset = stringOption(ctx, 'dataset') ?? 'outputs/dataset';
  const out = stringOption(ctx, 'out') ?? 'outputs/evaluation/metrics.json';
  const backend = (stringOption(ctx, 'backend') ?? 'wasm') as BackendChoice;
  if (!BACKENDS.includes(backend)) throw new EvaluationError(`${ctx.stage}: with.backend must be one of ${BACKENDS.join(', ')}`);
  const names = splitNames(ctx);
  const isCheckpoint = await stat(join(ctx.resolve(checkpoint), 'config.json')).then(() => true, () => false);
  if (!isCheckpoint) {
    throw new EvaluationError(`${ctx.stage}: no checkpoint at ${checkpoint} (config.json missing); run the training stage first or set with.checkpoint`);
  }
  const splits: [string, Sample[]][] = [];
  for (const name of names) splits.push([name, await readSplit(ctx, dataset, name)]);

  let done = 0;
  ctx.progress({ current: 0, total: names.length, unit: 'split', message: `scoring ${checkpoint}` });
  const evaluation = await evaluateCheckpoint({
    dir: ctx.resolve(checkpoint),
    splits,
    backend,
    log: (message) => ctx.log.info(message),
    onSplit: (name, scores) => {
      ctx.progress({ current: ++done, total: names.length, unit: 'split', message: `${name} micro-F1 ${scores.micro.f1.toFixed(4)}` });
      ctx.metric(`${name}_micro_f1`, scores.micro.f1);
      ctx.metric(`${name}_macro_f1`, scores.macro.f1);
      ctx.log.info(
        `${name}: ${scores.sentences} sentences, ${scores.entities} entities; micro P/R/F1 ` +
          `${scores.micro.precision.toFixed(4)}/${scores.micro.recall.toFixed(4)}/${scores.micro.f1.toFixed(4)}, macro F1 ${scores.macro.f1.toFixed(4)}`,
      );
    },
  });
  await mkdir(dirname(ctx.resolve(out)), { recursive: true });
  await writeFile(ctx.resolve(out), formatEvaluation(checkpoint, evaluation));
  return evaluation;
}
