// The train stage's `trial` mode trains one parameter set exactly as a search trains it: the same
// parameters give the files a search's trial directory holds, byte for byte.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import type { StageContext } from '../../src/stage-api.js';
import { runHpoStage } from '../../stages/lib/hpo/hpo-stage.js';
import { trainModel } from '../../stages/lib/train/index.js';
import trainStage from '../../stages/train.js';
import { WNUT_DIR, labelSetOf, readConll, readTree } from './train-fixtures.js';

const SEARCH = `
search_space:
  learning_rate: {type: loguniform, min: 0.001, max: 0.01}
  hidden: {type: int, min: 8, max: 16, step: 8}
sampling: {algorithm: random, max_trials: 1, seed: 3}
early_termination: {policy: none}
trial: {epochs: 2, patience: 0, backend: wasm}
`;
const MODEL = 'backbone: bilstm\nwordDim: 16\ncharDim: 8\ncharFilters: 8\nmaxChars: 10\nmaxLength: 24\nminWordCount: 1\nhidden: 12\n';

function project(): string {
  const root = mkdtempSync(join(tmpdir(), 'dagmake-trial-mode-'));
  mkdirSync(join(root, 'config/hpo'), { recursive: true });
  mkdirSync(join(root, 'config/model'), { recursive: true });
  writeFileSync(join(root, 'config/hpo/tiny.yaml'), SEARCH);
  writeFileSync(join(root, 'config/model/bilstm.yaml'), MODEL);
  const samples = readConll(join(WNUT_DIR, 'wnut17train.conll'), 40);
  const dataset = join(root, 'outputs/dataset');
  mkdirSync(dataset, { recursive: true });
  writeFileSync(join(dataset, 'train.json'), JSON.stringify(samples.slice(0, 30)));
  writeFileSync(join(dataset, 'validation.json'), JSON.stringify(samples.slice(30)));
  writeFileSync(join(dataset, 'labels.json'), JSON.stringify(labelSetOf(samples)));
  return root;
}

function context(root: string, stage: string, extra: Record<string, unknown>): StageContext {
  return {
    stage,
    root,
    with: extra,
    params: {},
    deps: [],
    outs: [],
    resolve: (path) => resolve(root, path),
    runInfoDir: join(root, '.dagmake/run-info', stage),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    progress: () => {},
    metric: () => {},
    async memo<T>(_key: unknown, options: { dir: string }, compute: (dir: string) => Promise<T>) {
      const dir = join(root, options.dir);
      await mkdir(dir, { recursive: true });
      return { dir, value: await compute(dir), hit: false };
    },
    signal: new AbortController().signal,
  };
}

test('mode trial with a search trial\'s parameters writes that trial\'s files, byte for byte', async () => {
  const root = project();
  await runHpoStage(context(root, 'hpo@bilstm', { backbone: 'bilstm', config: 'config/hpo/tiny.yaml' }), { trainModel: async () => trainModel, env: {} });
  const searched = join(root, 'outputs/hpo/bilstm/trial_0');
  const { params } = JSON.parse(readFileSync(join(searched, 'metrics.json'), 'utf8')) as { params: Record<string, number> };

  await (trainStage(context(root, 'again', { mode: 'trial', backbone: 'bilstm', search: 'config/hpo/tiny.yaml', params, out: 'outputs/again' })) as Promise<void>);
  const [expected, actual] = [readTree(searched), readTree(join(root, 'outputs/again'))];
  // run.json records the run's name and tags, which name the stage.
  const compared = [...expected.keys()].filter((file) => file !== 'run.json');
  assert.ok(compared.includes('metrics.json') && compared.includes('checkpoint/weights.bin'), compared.join(', '));
  for (const file of compared) assert.ok(expected.get(file)!.equals(actual.get(file)!), `${file} differs from the search's trial`);
});

test('mode trial says what is missing or wrong in with:', async () => {
  const root = project();
  await assert.rejects(async () => trainStage(context(root, 't', { mode: 'trial', backbone: 'bilstm', search: 'config/hpo/tiny.yaml' })), /mode 'trial' needs with\.out/);
  await assert.rejects(
    async () => trainStage(context(root, 't', { mode: 'trial', backbone: 'bilstm', search: 'config/hpo/tiny.yaml', out: 'o', params: { learning_rate: -1 } })),
    (error: Error & { stageInputError?: boolean }) => /with\.params\.learning_rate: -1 is not accepted/.test(error.message) && error.stageInputError === true,
  );
  await assert.rejects(async () => trainStage(context(root, 't', { mode: 'trial', backbone: 'bilstm', out: 'o', search: 'config/hpo/tiny.yaml', params: [1] })), /with\.params must be a mapping/);
});
