// The evaluate stage on a checkpoint trained briefly on a few embedded resumes.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import runEvaluate from '../../stages/evaluate.js';
import { buildFromDocuments, datasetFiles, embeddedSource } from '../../stages/lib/data/build-dataset.js';
import { parseDataConfig } from '../../stages/lib/data/config.js';
import type { Sample } from '../../stages/lib/data/sample.js';
import { writeDirectoryAtomically } from '../../stages/lib/data/write-output.js';
import { scoreSplit } from '../../stages/lib/evaluate/score-split.js';
import { tf, useBackend } from '../../stages/lib/tf/index.js';
import { loadCheckpoint, predictTags, trainModel } from '../../stages/lib/train/index.js';
import { createTestContext } from './data-stage-context.js';
import { TINY_HYPER, TINY_MODELS } from './train-fixtures.js';

let root: string;
const read = (relative: string) => readFile(path.join(root, relative), 'utf8');

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'evaluate-stage-'));
  const config = parseDataConfig({ source: 'embedded', seed: 9, size: { train: 16, validation: 4 }, split: { test: 0.25 } }, 'resume.yaml');
  const dataset = buildFromDocuments(embeddedSource(config), config, 'resume.yaml', { kind: 'embedded' });
  await writeDirectoryAtomically(path.join(root, 'outputs/dataset'), datasetFiles(dataset));
  const { 'test.json': _test, ...withoutTest } = datasetFiles(dataset);
  await writeDirectoryAtomically(path.join(root, 'outputs/no-test'), withoutTest);
  await trainModel({
    train: dataset.splits.train,
    validation: [],
    labels: dataset.labels,
    model: TINY_MODELS.bilstm,
    hyper: { ...TINY_HYPER, epochs: 1 },
    seed: 1,
    backend: 'wasm',
    outDir: path.join(root, 'outputs/final_training'),
  });
});
after(() => rm(root, { recursive: true, force: true }));

describe('evaluate stage', () => {
  it('scores the checkpoint on each split into a deterministic metrics file', async () => {
    const ctx = createTestContext(root);
    await runEvaluate(ctx);
    const text = await read('outputs/evaluation/metrics.json');
    const metrics = JSON.parse(text) as Record<string, { sentences: number; micro: { f1: number } }> & { backbone: string; epoch: number };
    assert.equal(metrics.backbone, 'bilstm');
    assert.equal(metrics.epoch, 1);
    assert.doesNotMatch(text, /timestamp|duration|\d{4}-\d\d-\d\dT/);

    await useBackend('wasm');
    const model = await loadCheckpoint(path.join(root, 'outputs/final_training/checkpoint'));
    try {
      for (const split of ['validation', 'test']) {
        const samples = JSON.parse(await read(`outputs/dataset/${split}.json`)) as Sample[];
        const predicted = predictTags(model.weights, model.config.model, model.vocab, model.labels.tags, samples).tags;
        assert.deepEqual(metrics[split], scoreSplit(samples.map((s) => s.tags), predicted), split);
        assert.equal(ctx.metrics[`${split}_micro_f1`], metrics[split]?.micro.f1);
      }
    } finally {
      tf.dispose(Object.values(model.weights));
    }
    assert.deepEqual([metrics['validation']?.sentences, metrics['test']?.sentences], [3, 5]);

    await runEvaluate(createTestContext(root));
    assert.equal(await read('outputs/evaluation/metrics.json'), text);
  });

  it('with.best_configuration evaluates the winning trial\'s own checkpoint, or a backbone\'s best', async () => {
    await mkdir(path.join(root, 'outputs/select'), { recursive: true });
    await writeFile(
      path.join(root, 'outputs/select/best.json'),
      JSON.stringify({ best: { trialDir: 'outputs/elsewhere' }, backbones: { bilstm: { trialDir: 'outputs/final_training' }, transformer: null } }),
    );
    const options = { best_configuration: 'outputs/select/best.json', splits: ['test'], out: 'outputs/eval-best.json' };
    await assert.rejects(async () => runEvaluate(createTestContext(root, options)), /no checkpoint at outputs\/elsewhere\/checkpoint/);
    await assert.rejects(async () => runEvaluate(createTestContext(root, { ...options, backbone: 'transformer' })), /no trial of backbone 'transformer' completed/);
    await assert.rejects(async () => runEvaluate(createTestContext(root, { ...options, backbone: 'crf' })), /has no backbone 'crf' \(it has bilstm, transformer\)/);
    await runEvaluate(createTestContext(root, { ...options, backbone: 'bilstm' }));
    const fromBest = JSON.parse(await read('outputs/eval-best.json')) as Record<string, unknown>;
    const fromCheckpoint = JSON.parse(await read('outputs/evaluation/metrics.json')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(fromBest), ['backbone', 'checkpoint', 'epoch', 'test']);
    assert.equal(fromBest['checkpoint'], 'outputs/final_training/checkpoint');
    assert.deepEqual(fromBest['test'], fromCheckpoint['test']);
  });

  it('says what is missing and what to do', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ dataset: 'outputs/no-test' }, /outputs\/no-test\/test\.json not found; the dataset has no test split: give the data config split\.test/],
      [{ checkpoint: 'outputs/nothing' }, /no checkpoint at outputs\/nothing \(config\.json missing\); run the training stage first/],
      [{ checkpoint: 'a', best_configuration: 'b' }, /set with\.checkpoint or with\.best_configuration, not both/],
      [{ best_configuration: 'outputs/missing.json' }, /outputs\/missing\.json not found; run the select stage first/],
      [{ splits: ['validation', '../x'] }, /with\.splits: "\.\.\/x" is not a split name/],
      [{ splits: [] }, /with\.splits is empty/],
      [{ backbone: 'bilstm' }, /with\.backbone picks a backbone's best trial from with\.best_configuration; set that too/],
    ];
    for (const [withMap, expected] of cases) await assert.rejects(async () => runEvaluate(createTestContext(root, withMap)), expected);
  });
});
