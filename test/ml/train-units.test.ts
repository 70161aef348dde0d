import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeededRandom } from '../../stages/lib/tf/seeded-random.js';
import { tf, useBackend } from '../../stages/lib/tf/index.js';
import { AdamW, clipByGlobalNorm } from '../../stages/lib/train/adamw.js';
import { batchesPerEpoch, toWindows, trainingBatches } from '../../stages/lib/train/batching.js';
import { inverseFrequencyWeights, maskedCrossEntropy } from '../../stages/lib/train/loss.js';
import { learningRateAt } from '../../stages/lib/train/schedule.js';

test('learning rate warms up linearly then decays', () => {
  const hyper = { learningRate: 1, warmupRatio: 0.1, schedule: 'linear' as const };
  assert.equal(learningRateAt(5, 100, hyper), 0.5);
  assert.equal(learningRateAt(10, 100, hyper), 1);
  assert.ok(learningRateAt(55, 100, hyper) < 0.6 && learningRateAt(55, 100, hyper) > 0.4);
  assert.ok(learningRateAt(100, 100, hyper) > 0);
  const cosine = { ...hyper, schedule: 'cosine' as const };
  assert.ok(Math.abs(learningRateAt(10 + 91 / 2, 100, cosine) - 0.5) < 1e-9);
  assert.equal(learningRateAt(70, 100, { ...hyper, schedule: 'constant' }), 1);
});

test('seeded random: same seed same stream, restorable state', () => {
  const a = new SeededRandom(5);
  const b = new SeededRandom(5);
  assert.deepEqual([a.next(), a.next()], [b.next(), b.next()]);
  const saved = a.state;
  const expected = [a.next(), a.next()];
  assert.deepEqual([new SeededRandom(0).restore(saved).next(), b.restore(saved).next()], [expected[0], expected[0]]);
});

test('windows cut long sentences; bucketed batches cover every window once', () => {
  const samples = Array.from({ length: 50 }, (_, i) => ({ tokens: Array.from({ length: 1 + (i % 13) }, (_, t) => `w${t}`), tags: Array.from({ length: 1 + (i % 13) }, () => 'O') }));
  const windows = toWindows(samples, 5);
  assert.equal(windows.reduce((n, w) => n + w.tokens.length, 0), samples.reduce((n, s) => n + s.tokens.length, 0));
  assert.ok(windows.every((w) => w.tokens.length <= 5));
  const batches = trainingBatches(windows, 4, new SeededRandom(1));
  assert.equal(batches.length, batchesPerEpoch(windows.length, 4));
  assert.equal(new Set(batches.flat()).size, windows.length);
  const again = trainingBatches(windows, 4, new SeededRandom(1));
  assert.deepEqual(again, batches);
  assert.notDeepEqual(trainingBatches(windows, 4, new SeededRandom(2)), batches);
});

test('inverse-frequency class weights average to 1 per token', () => {
  const ids = [0, 0, 0, 0, 0, 0, 1, 1, 2];
  const weights = inverseFrequencyWeights(ids, 4);
  const mean = ids.reduce((s, id) => s + weights[id]!, 0) / ids.length;
  assert.ok(Math.abs(mean - 1) < 1e-6);
  assert.ok(weights[2]! > weights[1]! && weights[1]! > weights[0]!);
  assert.equal(weights[3], 1);
});

test('class weight power softens inverse-frequency weights', () => {
  const ids = [0, 0, 0, 0, 0, 0, 1, 1, 2];
  const full = inverseFrequencyWeights(ids, 4);
  const half = inverseFrequencyWeights(ids, 4, 0.5);
  for (const id of [0, 1, 2]) assert.ok(Math.abs(half[id]! - Math.sqrt(full[id]!)) < 1e-6);
  assert.deepEqual([...inverseFrequencyWeights(ids, 4, 0)], [1, 1, 1, 1]);
  assert.ok(half[2]! / half[0]! < full[2]! / full[0]!);
});

test('masked cross-entropy ignores padded tokens', async () => {
  await useBackend('cpu');
  const logits = tf.tensor3d([[[2, 0], [0, 2], [50, -50]]]);
  const labels = tf.tensor2d([[0, 1, 1]], [1, 3], 'int32');
  const masked = maskedCrossEntropy(logits, labels, tf.tensor2d([[1, 1, 0]])).dataSync()[0]!;
  assert.ok(Math.abs(masked - Math.log(1 + Math.exp(-2))) < 1e-5);
});

test('AdamW decays weights decoupled from the gradient, and clipping bounds the global norm', async () => {
  await useBackend('cpu');
  const weights = { kernel: tf.variable(tf.tensor2d([[2]])), bias: tf.variable(tf.tensor1d([2])) };
  const optimizer = new AdamW(weights, { weightDecay: 0.5 });
  optimizer.apply({ kernel: tf.tensor2d([[0]]), bias: tf.tensor1d([0]) }, 0.1);
  assert.ok(Math.abs(weights.kernel.dataSync()[0]! - 2 * (1 - 0.05)) < 1e-6);
  assert.equal(weights.bias.dataSync()[0], 2);
  const grads: Record<string, tf.Tensor> = { a: tf.tensor1d([3]), b: tf.tensor1d([4]) };
  assert.equal(clipByGlobalNorm(grads, 1), 5);
  assert.ok(Math.abs(grads['a']!.dataSync()[0]! - 0.6) < 1e-6);
});
