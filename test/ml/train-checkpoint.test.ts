import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { test } from 'node:test';
import { buildVocabulary, initWeights, parseModelConfig, vocabSizes } from '../../stages/lib/model/index.js';
import { tf, useBackend } from '../../stages/lib/tf/index.js';
import { AdamW } from '../../stages/lib/train/adamw.js';
import { writeCheckpoint, type CheckpointContents } from '../../stages/lib/train/checkpoint.js';
import { TINY_HYPER, TINY_MODELS, readTree } from './train-fixtures.js';

test('a checkpoint written twice with the same weights and metadata is byte-identical', async () => {
  await useBackend('cpu');
  const model = parseModelConfig(TINY_MODELS.bilstm);
  const vocab = buildVocabulary([['Jane', 'Doe', 'works', 'at', 'Acme'], ['Acme', 'hires']], model);
  const labels = { entityTypes: ['NAME', 'ORG'], tags: ['O', 'B-NAME', 'I-NAME', 'B-ORG', 'I-ORG'] };
  const weights = initWeights(model, vocabSizes(vocab), labels.tags.length, 3);
  const optimizer = new AdamW(weights, { weightDecay: 0.01 });
  optimizer.apply(Object.fromEntries(Object.entries(weights).map(([name, w]) => [name, tf.onesLike(w)])), 0.01);
  const metrics = { microF1: 0.5, macroF1: 0.25, microPrecision: 0.5, microRecall: 0.5, tokenAccuracy: 0.8, perType: {} };
  const contents: CheckpointContents = {
    weights,
    vocab,
    labels,
    config: { model, hyperparameters: TINY_HYPER, seed: 3 },
    meta: { epoch: 1, metrics, trainLoss: 0.7, hyperparameters: TINY_HYPER, seed: 3, backend: 'cpu' },
    optimizer,
    state: {
      fingerprint: 'f',
      epoch: 1,
      step: 1,
      rngState: 42,
      history: [{ epoch: 1, trainLoss: 0.7, validationLoss: 0.9, validation: metrics, learningRate: 0.01 }],
      bestEpoch: 1,
      bestScore: 0.5,
      best: metrics,
      epochsWithoutImprovement: 0,
    },
  };
  try {
    const root = mkdtempSync(join(tmpdir(), 'dagmake-checkpoint-'));
    await writeCheckpoint(join(root, 'first'), contents);
    const first = readTree(join(root, 'first'));
    // A later write (the clock has moved on) into another directory and over the first one.
    await sleep(20);
    await writeCheckpoint(join(root, 'second'), contents);
    await writeCheckpoint(join(root, 'first'), contents);
    assert.deepEqual([...first.keys()], ['config.json', 'labels.json', 'meta.json', 'optimizer.bin', 'optimizer.json', 'state.json', 'vocab.json', 'weights.bin', 'weights.json']);
    for (const name of ['second', 'first']) {
      const again = readTree(join(root, name));
      assert.deepEqual([...again.keys()], [...first.keys()]);
      for (const [file, bytes] of first) assert.ok(bytes.equals(again.get(file)!), `${name}/${file} differs`);
    }
    assert.deepEqual(JSON.parse(readFileSync(join(root, 'first', 'meta.json'), 'utf8')), contents.meta);
  } finally {
    optimizer.dispose();
    tf.dispose(Object.values(weights));
  }
});
