import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { StageContext } from '../../src/stage-api.js';
import trainStage from '../../stages/train.js';
import { WNUT_DIR, labelSetOf, readConll } from './train-fixtures.js';

function projectWithDatasets(): string {
  const root = mkdtempSync(join(tmpdir(), 'dagmake-train-stage-'));
  cpSync(resolve(process.cwd(), 'config/train.yaml'), join(root, 'config/train.yaml'));
  cpSync(resolve(process.cwd(), 'config/model'), join(root, 'config/model'), { recursive: true });
  const samples = readConll(join(WNUT_DIR, 'wnut17train.conll'), 30);
  for (const name of ['dataset_tiny', 'dataset']) {
    const dir = join(root, 'outputs', name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'train.json'), JSON.stringify(samples.slice(0, 20)));
    writeFileSync(join(dir, 'validation.json'), JSON.stringify(samples.slice(20)));
    writeFileSync(join(dir, 'labels.json'), JSON.stringify(labelSetOf(samples)));
  }
  return root;
}

function context(root: string, mode: string, events: { progress: unknown[]; metrics: string[] }, extra: Record<string, unknown> = {}): StageContext {
  return {
    stage: `train@${mode}`,
    root,
    with: { mode, ...extra },
    params: {},
    deps: [],
    outs: [],
    resolve: (path) => resolve(root, path),
    runInfoDir: join(root, '.dagmake/run-info', mode),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    progress: (p) => events.progress.push(p),
    metric: (name) => events.metrics.push(name),
    memo: () => Promise.reject(new Error('memo is not used by the train stage')),
    signal: new AbortController().signal,
  };
}

test('dry_run trains one epoch on the tiny dataset and writes a checkpoint with reports', async () => {
  const root = projectWithDatasets();
  const events = { progress: [] as unknown[], metrics: [] as string[] };
  await trainStage(context(root, 'dry_run', events));
  const checkpoint = join(root, 'outputs/dry_run/checkpoint');
  for (const file of ['weights.bin', 'weights.json', 'vocab.json', 'labels.json', 'config.json', 'meta.json']) assert.ok(existsSync(join(checkpoint, file)), file);
  const meta = JSON.parse(readFileSync(join(checkpoint, 'meta.json'), 'utf8'));
  assert.equal(meta.epoch, 1);
  assert.equal(meta.backend, 'wasm');
  assert.deepEqual(Object.keys(meta).filter((key) => !['metrics', 'trainLoss'].includes(key)), ['epoch', 'hyperparameters', 'seed', 'backend']);
  const timing = JSON.parse(readFileSync(join(root, '.dagmake/run-info/dry_run/timing.json'), 'utf8'));
  assert.deepEqual(timing.epochs.map((e: { epoch: number }) => e.epoch), [1]);
  assert.equal(timing.checkpoints.checkpoint.epoch, 1);
  assert.deepEqual(events.progress, [{ current: 1, total: 1, unit: 'epoch', message: (events.progress[0] as { message: string }).message }]);
  assert.ok(events.metrics.includes('val_micro_f1'));
});

test('final trains the chosen configuration on train + validation without early stopping', async () => {
  const root = projectWithDatasets();
  writeFileSync(
    join(root, 'outputs/best_configuration.json'),
    JSON.stringify({
      best: {
        backbone: 'transformer',
        modelConfig: parseYaml(readFileSync(join(root, 'config/model/transformer.yaml'), 'utf8')),
        training: {
          learningRate: 0.003, batchSize: 8, epochs: 3, dropout: 0.1, weightDecay: 0, warmupRatio: 0,
          schedule: 'linear', clipNorm: 1, patience: 2, classWeighting: false, model: { layers: 1 },
        },
      },
    }),
  );
  await trainStage(context(root, 'final', { progress: [], metrics: [] }));
  const report = JSON.parse(readFileSync(join(root, 'outputs/final_training/report.json'), 'utf8'));
  assert.equal(report.backbone, 'transformer');
  assert.equal(report.seed, 42);
  assert.equal(report.hyperparameters.patience, 0);
  assert.equal(report.hyperparameters.learningRate, 0.003);
  assert.equal(report.model.layers, 1);
  assert.equal(report.history.length, report.hyperparameters.epochs);
  assert.ok(existsSync(join(root, 'outputs/final_training/checkpoint/weights.bin')));
  const summary = readFileSync(join(root, 'outputs/final_training/summary.txt'), 'utf8');
  assert.ok(summary.includes('best epoch'));
  assert.doesNotMatch(summary, /seconds|tokens\/s/);
  // Final training has no validation split: no placeholder scores in the report or the summary.
  assert.equal(report.validated, false);
  assert.deepEqual(Object.keys(report.history[0]), ['epoch', 'trainLoss', 'learningRate']);
  assert.match(summary, /no validation split/);
  assert.doesNotMatch(summary, /val_loss|NaN/);
  assert.equal(report.tokensPerSecond, undefined);
  const timing = JSON.parse(readFileSync(join(root, '.dagmake/run-info/final/timing.json'), 'utf8'));
  assert.equal(timing.epochs.length, report.history.length);
  assert.ok(timing.tokensPerSecond > 0);
});

test('with.config points the final mode at another pipeline\'s files, and the winner\'s model config is used', async () => {
  const root = projectWithDatasets();
  cpSync(join(root, 'outputs/dataset'), join(root, 'outputs/other/dataset'), { recursive: true });
  writeFileSync(
    join(root, 'config/train.other.yaml'),
    [
      'backend: wasm',
      'seed: 7',
      'final: {epochs: 2, seed: 5, dataset: outputs/other/dataset, best_configuration: outputs/other/best.json, out: outputs/other/final}',
    ].join('\n'),
  );
  writeFileSync(
    join(root, 'outputs/other/best.json'),
    JSON.stringify({
      best: {
        backbone: 'bilstm',
        modelConfig: { backbone: 'bilstm', wordDim: 8, charDim: 0, hidden: 6, minWordCount: 1, lowercase: false },
        training: {
          learningRate: 0.01, batchSize: 8, epochs: 9, dropout: 0.1, weightDecay: 0, warmupRatio: 0,
          schedule: 'linear', clipNorm: 1, patience: 3, classWeighting: true, classWeightPower: 0.5, model: { lowercase: true },
        },
      },
    }),
  );
  await trainStage(context(root, 'final', { progress: [], metrics: [] }, { config: 'config/train.other.yaml' }));
  const report = JSON.parse(readFileSync(join(root, 'outputs/other/final/report.json'), 'utf8'));
  assert.equal(report.seed, 5);
  assert.equal(report.history.length, 2);
  assert.equal(report.hyperparameters.classWeightPower, 0.5);
  assert.deepEqual([report.model.hidden, report.model.wordDim, report.model.charDim, report.model.lowercase], [6, 8, 0, true]);
  assert.ok(!existsSync(join(root, 'outputs/final_training')));

  await assert.rejects(
    async () => trainStage(context(root, 'dry_run', { progress: [], metrics: [] }, { config: 'config/train.other.yaml' })),
    /config\/train\.other\.yaml: mode 'dry_run' needs a 'dry_run:' section/,
  );
});

test('an unknown dry-run backbone is a config error naming the key and the choices', async () => {
  const root = projectWithDatasets();
  const text = readFileSync(join(root, 'config/train.yaml'), 'utf8').replace(/backbone: bilstm/, 'backbone: gru');
  writeFileSync(join(root, 'config/train.yaml'), text);
  await assert.rejects(
    async () => trainStage(context(root, 'dry_run', { progress: [], metrics: [] })),
    (error: Error & { stageInputError?: boolean }) =>
      /config\/train\.yaml: .*"bilstm"\|"transformer"[\s\S]*dry_run\.backbone/.test(error.message) && error.stageInputError === true,
  );
});

test('broken config files are input errors naming the file, and the key where there is one', async () => {
  const isInputError = (pattern: RegExp) => (error: Error & { stageInputError?: boolean }) => {
    assert.match(error.message, pattern);
    assert.equal(error.stageInputError, true, `${error.name}: ${error.message}`);
    return true;
  };
  const root = projectWithDatasets();
  const events = { progress: [] as unknown[], metrics: [] as string[] };
  const trainYaml = readFileSync(join(root, 'config/train.yaml'), 'utf8');
  writeFileSync(join(root, 'config/train.yaml'), trainYaml.replace('seed: 42', 'seed: [42'));
  await assert.rejects(async () => trainStage(context(root, 'dry_run', events)), isInputError(/^config\/train\.yaml: not valid YAML: .*line \d+/));

  writeFileSync(join(root, 'config/train.yaml'), trainYaml.replace(/backbone: bilstm/, 'backbone: transformer'));
  const transformerYaml = readFileSync(join(root, 'config/model/transformer.yaml'), 'utf8');
  writeFileSync(join(root, 'config/model/transformer.yaml'), transformerYaml.replace(/dModel: \d+/, 'dModel: 30'));
  await assert.rejects(async () => trainStage(context(root, 'dry_run', events)), isInputError(/^config\/model\/transformer\.yaml: .*divisible by heads[\s\S]*heads/));

  writeFileSync(join(root, 'config/model/transformer.yaml'), `${transformerYaml}hedas: 2\n`);
  await assert.rejects(async () => trainStage(context(root, 'dry_run', events)), isInputError(/^config\/model\/transformer\.yaml: unknown transformer model setting 'hedas' \(did you mean 'heads'\?\); the transformer settings are .*dModel, heads/));

  writeFileSync(join(root, 'config/train.yaml'), trainYaml.replace(/\ndry_run:[\s\S]*?\nfinal:/, '\nfinal:'));
  await assert.rejects(async () => trainStage(context(root, 'dry_run', events)), isInputError(/config\/train\.yaml: mode 'dry_run' needs a 'dry_run:' section/));
  await assert.rejects(async () => trainStage(context(root, 'evaluate', events)), isInputError(/unknown mode 'evaluate'/));
});

test('a misspelt key in the training config is an error, not a silent default', async () => {
  const root = projectWithDatasets();
  const trainYaml = readFileSync(join(root, 'config/train.yaml'), 'utf8');
  for (const [from, to, where] of [
    ['seed: 42', 'sed: 7', /Unrecognized key: "sed"/],
    ['classWeighting: false', 'classWeighting: true\n  classWeightPowr: 0.5', /Unrecognized key: "classWeightPowr"[\s\S]*hyperparameters/],
    ['  epochs: 1\n', '  epochs: 1\n  epoch: 3\n', /Unrecognized key: "epoch"[\s\S]*dry_run/],
  ] as const) {
    writeFileSync(join(root, 'config/train.yaml'), trainYaml.replace(from, to));
    await assert.rejects(async () => trainStage(context(root, 'dry_run', { progress: [], metrics: [] })), (error: Error & { stageInputError?: boolean }) => {
      assert.match(error.message, /^config\/train\.yaml: /);
      assert.match(error.message, where);
      return error.stageInputError === true;
    });
  }
});
