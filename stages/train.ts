// The train stage. Modes (ctx.with.mode):
//   dry_run  one short epoch of the dry-run backbone on the tiny dataset → outputs/dry_run/
//   final    the HPO winner (outputs/best_configuration.json) on train + validation with a
//            fixed seed and no early stopping → outputs/final_training/
//   trial    one search trial with the parameters in with.params, trained as the search trains
//            it (with.search names the search config) → with.out (stages/lib/hpo/single-trial.ts)
// ctx.with.config names the training config (default config/train.yaml), so another pipeline
// (pipeline.wnut17.yaml) can point the final mode at its own dataset, winner and output.
// The final model is built from the winner's own model config, recorded by the search in
// best_configuration.json; config/model/<backbone>.yaml is read only for the dry run.
// Both write checkpoint/ (weights, vocab, labels, config, meta) and the training reports, and
// put the run's timing.json (epoch durations, throughput, save times) in ctx.runInfoDir.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { defineStage, type StageContext, StageInputError } from '../src/stage-api.js';
import type { LabelSet, Sample } from './lib/data/sample.js';
import { InputError } from './lib/input-error.js';
import { unknownModelKeysProblem } from './lib/model/check-keys.js';
import { parseModelConfig } from './lib/model/config.js';
import { hyperparametersSchema } from './lib/train/hyper-schema.js';
import { trainModel } from './lib/train/index.js';
import { runSingleTrial } from './lib/hpo/single-trial.js';
import type { BackendName, Hyperparameters, ModelConfig, TrainResult } from './lib/train/types.js';

const hyperSchema = hyperparametersSchema;

// Strict objects: every key has a default or is optional, so a misspelt one would go unnoticed.
const trainConfigSchema = z.strictObject({
  backend: z.enum(['auto', 'tfjs-node-gpu', 'tfjs-node', 'wasm', 'cpu']).default('auto'),
  seed: z.number().int().default(42),
  /** The dry run's hyperparameters; the final mode takes the winner's. */
  hyperparameters: hyperSchema.optional(),
  dry_run: z.strictObject({ backbone: z.enum(['bilstm', 'transformer']), epochs: z.number().int().positive(), batchSize: z.number().int().positive(), dataset: z.string(), out: z.string() }).optional(),
  final: z.strictObject({ epochs: z.number().int().positive(), seed: z.number().int(), dataset: z.string(), best_configuration: z.string(), out: z.string() }).optional(),
});

const bestConfigurationSchema = z.object({
  best: z.object({ backbone: z.string(), training: hyperSchema, modelConfig: z.record(z.string(), z.unknown()) }),
});

async function readYaml(ctx: StageContext, path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(ctx.resolve(path), 'utf8');
  } catch (error) {
    throw new StageInputError(`${path}: cannot read it (${(error as Error).message})`);
  }
  try {
    return parseYaml(text);
  } catch (error) {
    throw new StageInputError(`${path}: not valid YAML: ${(error as Error).message}`);
  }
}

/** The model config checked before any data is read, its problems reported against `source`. */
function modelConfigFrom(raw: Readonly<Record<string, unknown>>, backbone: string, overrides: Readonly<Record<string, unknown>>, source: string): ModelConfig {
  const model = { ...raw, backbone };
  const problem = unknownModelKeysProblem(raw, backbone, source);
  if (problem !== undefined) throw new StageInputError(problem);
  try {
    parseModelConfig(model, overrides);
  } catch (error) {
    if (error instanceof InputError) throw new StageInputError(`${source}: ${error.message}`);
    throw error;
  }
  return model;
}

async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

function parse<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new StageInputError(`${file}: ${z.prettifyError(result.error)}`);
  return result.data;
}

interface Plan {
  readonly backbone: string;
  /** The winner's recorded model config; absent for the dry run, which reads config/model/. */
  readonly modelConfig?: Readonly<Record<string, unknown>>;
  /** The file the winner's model config comes from. */
  readonly bestConfiguration?: string;
  readonly hyper: Hyperparameters;
  readonly seed: number;
  readonly dataset: string;
  readonly out: string;
  readonly combineValidation: boolean;
}

function missingSection(file: string, mode: string, section = mode): Error {
  return new StageInputError(`${file}: mode '${mode}' needs a '${section}:' section in this file (see config/train.yaml for its keys)`);
}

async function planFor(ctx: StageContext, mode: string, configFile: string): Promise<{ plan: Plan; backend: BackendName }> {
  const config = parse(trainConfigSchema, await readYaml(ctx, configFile), configFile);
  if (mode === 'dry_run') {
    const { dry_run: dry } = config;
    if (!dry) throw missingSection(configFile, mode);
    if (!config.hyperparameters) throw missingSection(configFile, mode, 'hyperparameters');
    return {
      backend: config.backend,
      plan: { backbone: dry.backbone, hyper: { ...config.hyperparameters, epochs: dry.epochs, batchSize: dry.batchSize }, seed: config.seed, dataset: dry.dataset, out: dry.out, combineValidation: false },
    };
  }
  if (mode === 'final') {
    const { final } = config;
    if (!final) throw missingSection(configFile, mode);
    const chosen = parse(bestConfigurationSchema, await readJson(ctx.resolve(final.best_configuration)), final.best_configuration);
    return {
      backend: config.backend,
      plan: {
        backbone: chosen.best.backbone,
        modelConfig: chosen.best.modelConfig,
        bestConfiguration: final.best_configuration,
        hyper: { ...chosen.best.training, epochs: final.epochs, patience: 0 },
        seed: final.seed,
        dataset: final.dataset,
        out: final.out,
        combineValidation: true,
      },
    };
  }
  throw new StageInputError(`train: unknown mode '${mode}' in the stage's with: (expected 'dry_run', 'trial' or 'final')`);
}

export default defineStage(async (ctx) => {
  const mode = String(ctx.with['mode'] ?? 'dry_run');
  if (mode === 'trial') {
    await runSingleTrial(ctx, { trainModel: () => Promise.resolve(trainModel) });
    return;
  }
  const configFile = String(ctx.with['config'] ?? 'config/train.yaml');
  const { plan, backend } = await planFor(ctx, mode, configFile);
  const modelFile = `config/model/${plan.backbone}.yaml`;
  const model = plan.modelConfig
    ? modelConfigFrom(plan.modelConfig, plan.backbone, plan.hyper.model ?? {}, `${plan.bestConfiguration} (best.modelConfig)`)
    : modelConfigFrom((await readYaml(ctx, modelFile)) as Record<string, unknown>, plan.backbone, plan.hyper.model ?? {}, modelFile);
  const dataset = ctx.resolve(plan.dataset);
  const train = await readJson<Sample[]>(join(dataset, 'train.json'));
  const validation = await readJson<Sample[]>(join(dataset, 'validation.json'));
  const labels = await readJson<LabelSet>(join(dataset, 'labels.json'));
  ctx.log.info(`train (${mode}): ${plan.backbone}, ${train.length} + ${validation.length} samples, seed ${plan.seed}`);

  const result: TrainResult = await trainModel({
    train: plan.combineValidation ? [...train, ...validation] : train,
    validation: plan.combineValidation ? [] : validation,
    labels,
    model,
    hyper: plan.hyper,
    seed: plan.seed,
    backend,
    outDir: ctx.resolve(plan.out),
    runInfoDir: ctx.runInfoDir,
    // A killed or failed attempt's outputs are moved aside; its epoch checkpoints wait here.
    ...(ctx.resumeDir !== undefined && { resumeDir: ctx.resumeDir }),
    signal: ctx.signal,
    log: (message) => ctx.log.info(message),
    onProgress: (progress) => ctx.progress(progress),
    onEpoch: (record) => {
      ctx.metric('val_micro_f1', record.validation.microF1, record.epoch);
      ctx.metric('val_macro_f1', record.validation.macroF1, record.epoch);
      return 'continue';
    },
  });
  for (const record of result.history) ctx.metric('train_loss', record.trainLoss, record.epoch);
  ctx.log.info(`train (${mode}): done on ${result.backend}, checkpoint ${result.checkpointDir} (epoch ${result.bestEpoch})`);
});
