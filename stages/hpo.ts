// hpo@<backbone>: hyperparameter search for one backbone (with.backbone, from the pipeline's matrix).
// with: config (default config/hpo/smoke.yaml), dataset (outputs/dataset), model_config
// (config/model/<backbone>.yaml), out (outputs/hpo/<backbone>), experiment (MLflow experiment name).
import { defineStage } from '../src/stage-api.js';
import { runHpoStage } from './lib/hpo/hpo-stage.js';
import type { TrainModelFn } from './lib/hpo/trial-runner.js';

// Loaded on first use so that reading this module does not load TensorFlow.js. The specifier is
// a literal on purpose: the engine follows literal imports, so edits to the training code make
// this stage stale.
async function loadTrainModel(): Promise<TrainModelFn> {
  const module = (await import('./lib/train/train-model.js')) as { trainModel?: TrainModelFn };
  if (typeof module.trainModel !== 'function') throw new Error('stages/lib/train/train-model.ts does not export trainModel');
  return module.trainModel;
}

export default defineStage(async (ctx) => {
  await runHpoStage(ctx, { trainModel: loadTrainModel });
});
