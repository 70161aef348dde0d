// Brief training on real data (WNUT-17 emerging entities): entity-level F1 on a dev subset must
// rise clearly above the untrained model's.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { evaluate } from '../../stages/lib/metrics/seqeval.js';
import { buildVocabulary, initWeights, parseModelConfig, vocabSizes } from '../../stages/lib/model/index.js';
import { tf, useBackend } from '../../stages/lib/tf/index.js';
import { predictTags, trainModel } from '../../stages/lib/train/index.js';
import { TINY_HYPER, WNUT_DIR, labelSetOf, readConll } from './train-fixtures.js';

test('a short BiLSTM training on WNUT-17 beats the untrained model on dev entity F1', async () => {
  const train = readConll(join(WNUT_DIR, 'wnut17train.conll'), 800);
  const dev = readConll(join(WNUT_DIR, 'emerging.dev.conll'), 300);
  const labels = labelSetOf([...train, ...dev]);
  const model = { backbone: 'bilstm', wordDim: 24, charDim: 12, charFilters: 16, maxChars: 12, maxLength: 40, minWordCount: 1, hidden: 24 };

  await useBackend('wasm');
  const config = parseModelConfig(model);
  const vocab = buildVocabulary(train.map((s) => s.tokens), config);
  const untrained = initWeights(config, vocabSizes(vocab), labels.tags.length, 3);
  const baseline = evaluate(dev.map((s) => s.tags), predictTags(untrained, config, vocab, labels.tags, dev).tags);
  tf.dispose(Object.values(untrained));

  const result = await trainModel({
    train,
    validation: dev,
    labels,
    model,
    hyper: { ...TINY_HYPER, batchSize: 16, epochs: 2, learningRate: 0.02, classWeighting: true },
    seed: 3,
    backend: 'wasm',
    outDir: mkdtempSync(join(tmpdir(), 'dagmake-wnut-')),
  });
  const trained = result.best?.microF1 ?? 0;
  console.log(`WNUT-17 dev micro-F1: untrained ${baseline.microF1.toFixed(4)}, trained ${trained.toFixed(4)} (epoch ${result.bestEpoch})`);
  assert.ok(baseline.microF1 < 0.01, `untrained F1 ${baseline.microF1}`);
  assert.ok(trained > 0.03, `trained F1 ${trained}`);
});
