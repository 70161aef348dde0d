import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { useBackend, tf } from '../../stages/lib/tf/index.js';
import {
  buildVocabulary,
  encodeBatch,
  forward,
  initWeights,
  parseModelConfig,
  vocabSizes,
  type BackboneConfig,
} from '../../stages/lib/model/index.js';

const sentences = [
  ['Alice', 'works', 'at', 'Acme', 'Corp', '.'],
  ['Bob', 'lives', 'in', 'Paris'],
  ['alice', 'and', 'bob'],
];
const tiny = { wordDim: 8, charDim: 4, charFilters: 6, maxChars: 6, maxLength: 16, minWordCount: 1 };
const configs: BackboneConfig[] = [
  parseModelConfig({ backbone: 'bilstm', ...tiny, hidden: 5 }),
  parseModelConfig({ backbone: 'transformer', ...tiny, dModel: 8, heads: 2, layers: 2, ffn: 12 }),
];
const inference = { training: false, dropout: 0, seed: 0 };

before(async () => {
  await useBackend('wasm');
});

describe('vocabulary', () => {
  test('reserves PAD and UNK, lowercases, and applies the minimum count', () => {
    const vocab = buildVocabulary(sentences, { minWordCount: 2, lowercase: true, maxChars: 4 });
    assert.deepEqual(vocab.words.slice(0, 2), ['<pad>', '<unk>']);
    assert.deepEqual(new Set(vocab.words.slice(2)), new Set(['alice', 'bob']));
    assert.ok(vocab.chars.includes('A') && vocab.chars.includes('a'));
  });
});

for (const config of configs) {
  describe(`${config.backbone} forward`, () => {
    const vocab = buildVocabulary(sentences, config);

    test('returns [batch, seq, tags] logits', () => {
      const weights = initWeights(config, vocabSizes(vocab), 5, 1);
      const logits = forward(weights, encodeBatch(sentences, vocab), config, inference);
      assert.deepEqual(logits.shape, [3, 6, 5]);
      assert.ok(logits.dataSync().every(Number.isFinite));
    });

    test('initialisation is seeded: same seed same bytes, other seed other values', () => {
      const a = initWeights(config, vocabSizes(vocab), 5, 7);
      const b = initWeights(config, vocabSizes(vocab), 5, 7);
      const c = initWeights(config, vocabSizes(vocab), 5, 8);
      assert.deepEqual(Object.keys(a), Object.keys(b));
      for (const name of Object.keys(a)) assert.deepEqual(a[name]!.dataSync(), b[name]!.dataSync(), name);
      assert.notDeepEqual(a['head/kernel']!.dataSync(), c['head/kernel']!.dataSync());
    });

    test('padding does not change the logits of real tokens', () => {
      const weights = initWeights(config, vocabSizes(vocab), 5, 3);
      const alone = forward(weights, encodeBatch([sentences[2]!], vocab), config, inference);
      const padded = forward(weights, encodeBatch(sentences, vocab), config, inference);
      const row = tf.slice(padded, [2, 0, 0], [1, 3, 5]);
      const diff = tf.max(tf.abs(tf.sub(alone, row))).dataSync()[0]!;
      assert.ok(diff < 1e-5, `max difference ${diff}`);
    });

    test('dropout is seeded and only active in training', () => {
      const weights = initWeights(config, vocabSizes(vocab), 5, 3);
      const batch = encodeBatch(sentences, vocab);
      const run = (seed: number) => forward(weights, batch, config, { training: true, dropout: 0.5, seed }).dataSync();
      assert.deepEqual(run(11), run(11));
      assert.notDeepEqual(run(11), run(12));
      assert.deepEqual(
        forward(weights, batch, config, { training: false, dropout: 0.5, seed: 11 }).dataSync(),
        forward(weights, batch, config, inference).dataSync(),
      );
    });
  });
}
