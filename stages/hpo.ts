// hpo@<backbone>: hyperparameter search for one backbone (with.backbone, from the pipeline's matrix).
// with: config (default config/hpo/smoke.yaml), dataset (outputs/dataset), model_config
// (config/model/<backbone>.yaml), out (outputs/hpo/<backbone>), experiment (MLflow experiment name).
import { defineStage } from '../src/stage-api.js';
import { runHpoStage } from './lib/hpo/hpo-stage.js';
import type { TrainModelFn } from './lib/hpo/trial-runner.js';

// Loaded on first use so that reading this module does not load TensorFlow.js.
const TRAIN_MODULE = './lib/train/train-model.js';

async function loadTrainModel(): Promise<TrainModelFn> {
  const module = (await import(TRAIN_MODULE)) as { trainModel?: TrainModelFn };
  if (typeof module.trainModel !== 'function') throw new Error(`${TRAIN_MODULE} does not export trainModel`);
  return module.trainModel;
}

export default defineStage(async (ctx) => {
  await runHpoStage(ctx, { trainModel: loadTrainModel });
});
