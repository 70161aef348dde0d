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
  type ModelInputs,
  type WeightMap,
} from '../../stages/lib/model/index.js';
import type { BiLstmConfig, TransformerConfig } from '../../stages/lib/model/types.js';

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

// The documented op sequences (bilstm.ts, transformer.ts, token-features.ts, ops.ts) in plain tf
// ops with tfjs's own gradients: the model, which computes them with fewer and faster kernels and
// hand-written gradients, must give the same logits and gradients up to float rounding.
const plain = {
  dense(w: WeightMap, name: string, x: tf.Tensor): tf.Tensor {
    const kernel = w[`${name}/kernel`]!;
    const y = tf.add(tf.matMul(tf.reshape(x, [-1, x.shape[x.rank - 1]!]), kernel), w[`${name}/bias`]!);
    return tf.reshape(y, [...x.shape.slice(0, -1), kernel.shape[1]!]);
  },
  layerNorm(w: WeightMap, name: string, x: tf.Tensor): tf.Tensor {
    const centered = tf.sub(x, tf.mean(x, -1, true));
    const normalized = tf.mul(centered, tf.rsqrt(tf.add(tf.mean(tf.square(centered), -1, true), 1e-5)));
    return tf.add(tf.mul(normalized, w[`${name}/gamma`]!), w[`${name}/beta`]!);
  },
  gelu: (x: tf.Tensor) => tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI))), 1)),
  tokenFeatures(w: WeightMap, batch: ModelInputs, c: BackboneConfig): tf.Tensor {
    const [b, s, chars] = batch.charIds.shape;
    const half = (c.charWindow - 1) / 2;
    const embedded = tf.reshape(tf.gather(w['embed/char']!, batch.charIds), [b * s, chars, c.charDim]);
    const padded = tf.pad(embedded, [[0, 0], [half, c.charWindow - 1 - half], [0, 0]]);
    const slices = Array.from({ length: c.charWindow }, (_, k) => tf.slice(padded, [0, k, 0], [b * s, chars, c.charDim]));
    const windows = tf.reshape(tf.concat(slices, 2), [b * s * chars, c.charWindow * c.charDim]);
    const conv = tf.relu(tf.add(tf.matMul(windows, w['char/conv/kernel']!), w['char/conv/bias']!));
    const mask = tf.reshape(tf.cast(tf.greater(batch.charIds, 0), 'float32'), [b * s, chars, 1]);
    const pooled = tf.max(tf.mul(tf.reshape(conv, [b * s, chars, c.charFilters]), mask), 1);
    return tf.concat([tf.gather(w['embed/word']!, batch.wordIds), tf.reshape(pooled, [b, s, c.charFilters])], 2);
  },
  bilstm(w: WeightMap, batch: ModelInputs, c: BiLstmConfig): tf.Tensor {
    const x = plain.tokenFeatures(w, batch, c);
    const [b, s] = batch.wordIds.shape;
    const run = (prefix: string, reverse: boolean): tf.Tensor => {
      const steps = tf.unstack(plain.dense(w, prefix, x), 1);
      const masks = tf.unstack(tf.reshape(batch.mask, [b, s, 1]), 1);
      let h: tf.Tensor = tf.zeros([b, c.hidden]);
      let cell: tf.Tensor = tf.zeros([b, c.hidden]);
      const out = new Array<tf.Tensor>(s);
      for (let i = 0; i < s; i++) {
        const t = reverse ? s - 1 - i : i;
        const [zi, zf, zg, zo] = tf.split(tf.add(steps[t]!, tf.matMul(h, w[`${prefix}/recurrent_kernel`]!)), 4, 1);
        const next = tf.add(tf.mul(tf.sigmoid(zf!), cell), tf.mul(tf.sigmoid(zi!), tf.tanh(zg!)));
        const m = masks[t]!;
        cell = tf.add(tf.mul(m, next), tf.mul(tf.sub(1, m), cell));
        h = tf.add(tf.mul(m, tf.mul(tf.sigmoid(zo!), tf.tanh(next))), tf.mul(tf.sub(1, m), h));
        out[t] = tf.mul(m, h);
      }
      return tf.stack(out, 1);
    };
    return plain.dense(w, 'head', tf.concat([run('bilstm/fw', false), run('bilstm/bw', true)], 2));
  },
  transformer(w: WeightMap, batch: ModelInputs, c: TransformerConfig): tf.Tensor {
    const [b, s] = batch.wordIds.shape;
    const dh = c.dModel / c.heads;
    const heads = (x: tf.Tensor) => tf.transpose(tf.reshape(x, [b, s, c.heads, dh]), [0, 2, 1, 3]);
    const bias = tf.reshape(tf.mul(tf.sub(1, batch.mask), -1e9), [b, 1, 1, s]);
    let x = tf.add(plain.dense(w, 'input', plain.tokenFeatures(w, batch, c)), tf.slice(w['embed/position']!, [0, 0], [s, c.dModel]));
    for (let n = 0; n < c.layers; n++) {
      const h = plain.layerNorm(w, `block${n}/ln1`, x);
      const [q, k, v] = ['q', 'k', 'v'].map((part) => heads(plain.dense(w, `block${n}/attn/${part}`, h)));
      const p = tf.softmax(tf.add(tf.div(tf.matMul(q!, k!, false, true), Math.sqrt(dh)), bias));
      const merged = tf.reshape(tf.transpose(tf.matMul(p, v!), [0, 2, 1, 3]), [b, s, c.dModel]);
      x = tf.add(x, plain.dense(w, `block${n}/attn/out`, merged));
      x = tf.add(x, plain.dense(w, `block${n}/ffn/out`, plain.gelu(plain.dense(w, `block${n}/ffn/in`, plain.layerNorm(w, `block${n}/ln2`, x)))));
    }
    return plain.dense(w, 'head', plain.layerNorm(w, 'final_ln', x));
  },
};

const tokenFeatureWidth = (c: BackboneConfig): number => c.wordDim + c.charFilters;

/** Max |a − b| over max |b| (or over 1e-3 when b is all near zero). */
function relativeDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let scale = 1e-3;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
    scale = Math.max(scale, Math.abs(b[i] ?? 0));
  }
  return diff / scale;
}

// Repeated characters give identical character windows, so the character max-pool has ties.
const varied = [
  ['Alice', 'works', 'at', 'Acme', 'Corp', 'since', '2000', '.'],
  ['aaaa', 'bbb', 'Paris', '10000'],
  ['alice', 'and', 'bob', 'zzzzzz', 'x'],
];
const wider = { wordDim: 12, charDim: 6, charFilters: 10, maxChars: 8, maxLength: 16, minWordCount: 1 };

const compared: BackboneConfig[] = [
  parseModelConfig({ backbone: 'bilstm', ...wider, hidden: 7 }),
  parseModelConfig({ backbone: 'transformer', ...wider, dModel: 16, heads: 4, layers: 2, ffn: 24 }),
  // Token features narrower than dModel and a narrow ffn: the other orientation of every product.
  parseModelConfig({ backbone: 'transformer', ...wider, wordDim: 6, charFilters: 4, dModel: 16, heads: 2, layers: 1, ffn: 8 }),
];

// wasm takes the JS kernels and, for attention, the grouped products; cpu the stock ops.
for (const [config, backend] of compared.flatMap((c) => [[c, 'wasm'], [c, 'cpu']] as const)) {
  test(`${config.backbone} (${tokenFeatureWidth(config)} → ${config.backbone === 'bilstm' ? config.hidden : config.dModel}) on ${backend} computes the documented op sequence: same logits and gradients as plain tf ops`, async () => {
    await useBackend(backend);
    const vocab = buildVocabulary(varied, config);
    const weights = initWeights(config, vocabSizes(vocab), 5, 9);
    const batch = encodeBatch(varied, vocab);
    const labels = tf.tensor2d(Int32Array.from({ length: batch.mask.size }, (_, i) => (i * 7) % 5), batch.mask.shape, 'int32');
    const reference = (w: WeightMap, b: ModelInputs): tf.Tensor =>
      config.backbone === 'bilstm' ? plain.bilstm(w, b, config) : plain.transformer(w, b, config);
    const lossOf = (logits: () => tf.Tensor) => () => tf.neg(tf.sum(tf.mul(tf.sum(tf.mul(tf.oneHot(labels, 5), tf.logSoftmax(logits())), 2), batch.mask))) as tf.Scalar;
    const model = tf.variableGrads(lossOf(() => forward(weights, batch, config, inference)), Object.values(weights));
    const plainGrads = tf.variableGrads(lossOf(() => reference(weights, batch)), Object.values(weights));

    assert.ok(relativeDifference(forward(weights, batch, config, inference).dataSync(), reference(weights, batch).dataSync()) < 1e-5);
    for (const [name, variable] of Object.entries(weights)) {
      // The key bias cannot change any softmax (it adds q·b to a whole row): its gradient is rounding noise.
      if (name.endsWith('attn/k/bias')) continue;
      const difference = relativeDifference(model.grads[variable.name]!.dataSync(), plainGrads.grads[variable.name]!.dataSync());
      assert.ok(difference < 1e-4, `${name}: relative difference ${difference}`);
    }
    assert.ok(plainGrads.grads[weights['char/conv/kernel']!.name]!.abs().max().dataSync()[0]! > 0);
    await useBackend('wasm');
  });
}
