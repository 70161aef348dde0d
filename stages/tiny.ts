// A few short samples covering as many entity types as possible, for smoke tests and dry runs.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { defineStage, type StageContext } from '../src/stage-api.js';
import { DatasetError } from './lib/data/errors.js';
import type { Sample } from './lib/data/sample.js';
import { parseTinyConfig, selectCovering, type TinyConfig } from './lib/data/tiny.js';
import { formatSplitFile, readJsonFile, writeDirectoryAtomically } from './lib/data/write-output.js';

export const DEFAULT_TINY_CONFIG = 'config/data/resume_tiny.yaml';

async function loadTinyConfig(ctx: StageContext, file: string): Promise<TinyConfig> {
  let text: string;
  try {
    text = await readFile(ctx.resolve(file), 'utf8');
  } catch {
    throw new DatasetError(`${file}: cannot read the tiny-dataset config.`);
  }
  return parseTinyConfig(parseYaml(text), file);
}

async function readSplit(ctx: StageContext, from: string, name: string): Promise<Sample[]> {
  const shownAs = path.posix.join(from, name);
  const value = await readJsonFile(ctx.resolve(shownAs), shownAs, 'Run the dataset stage first.');
  if (!Array.isArray(value)) throw new DatasetError(`${shownAs}: expected a JSON array of samples.`);
  return value as Sample[];
}

export async function runTinyStage(ctx: StageContext): Promise<{ train: Sample[]; validation: Sample[] }> {
  const configFile = typeof ctx.with.config === 'string' ? ctx.with.config : DEFAULT_TINY_CONFIG;
  const config = await loadTinyConfig(ctx, configFile);
  const from = typeof ctx.with.from === 'string' ? ctx.with.from : config.from;
  const out = typeof ctx.with.out === 'string' ? ctx.with.out : config.out;
  const train = selectCovering(await readSplit(ctx, from, 'train.json'), config.train);
  const validation = selectCovering(await readSplit(ctx, from, 'validation.json'), config.validation);
  const labelsFile = path.posix.join(from, 'labels.json');
  const labels = await readJsonFile(ctx.resolve(labelsFile), labelsFile, 'Run the dataset stage first.');
  await writeDirectoryAtomically(ctx.resolve(out), {
    'train.json': formatSplitFile(train),
    'validation.json': formatSplitFile(validation),
    'labels.json': `${JSON.stringify(labels, null, 2)}\n`,
  });
  ctx.log.info(`${out}: ${train.length} train + ${validation.length} validation samples`);
  return { train, validation };
}

export default defineStage(async (ctx) => {
  await runTinyStage(ctx);
});
