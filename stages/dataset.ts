// Builds the NER dataset (outputs/dataset/{train,validation,labels,stats}.json) from a data config.
import { defineStage, type StageContext } from '../src/stage-api.js';
import { buildDataset, datasetFiles, type BuiltDataset } from './lib/data/build-dataset.js';
import { loadDataConfig } from './lib/data/config.js';
import { writeDirectoryAtomically } from './lib/data/write-output.js';

export const DEFAULT_DATA_CONFIG = 'config/data/resume.yaml';
export const DEFAULT_DATASET_OUT = 'outputs/dataset';

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export async function runDatasetStage(ctx: StageContext): Promise<BuiltDataset> {
  const configFile = optionalString(ctx.with.config) ?? DEFAULT_DATA_CONFIG;
  const config = await loadDataConfig(ctx.resolve(configFile), configFile);
  const out = optionalString(ctx.with.out) ?? config.out ?? DEFAULT_DATASET_OUT;
  ctx.progress({ current: 0, total: 2, unit: 'step', message: `reading ${config.source} data` });
  const dataset = await buildDataset(config, { root: ctx.root, configFile, signal: ctx.signal });
  ctx.progress({ current: 1, total: 2, unit: 'step', message: `writing ${out}` });
  await writeDirectoryAtomically(ctx.resolve(out), datasetFiles(dataset));
  ctx.progress({ current: 2, total: 2, unit: 'step' });

  for (const [split, stats] of Object.entries(dataset.stats.splits)) {
    ctx.log.info(`${split}: ${stats.samples} samples, ${stats.tokens} tokens, ${stats.entities} entities`);
    ctx.metric(`${split}_samples`, stats.samples);
    ctx.metric(`${split}_entities`, stats.entities);
  }
  const repaired = Object.entries(dataset.stats.repairs).filter(([, count]) => count > 0);
  if (repaired.length > 0) ctx.log.warn(`span repairs: ${repaired.map(([reason, n]) => `${reason} ${n}`).join(', ')}`);
  return dataset;
}

export default defineStage(async (ctx) => {
  await runDatasetStage(ctx);
});
