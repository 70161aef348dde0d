import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropout } from '../../stages/lib/model/lean-ops.js';
import { tf, useBackend } from '../../stages/lib/tf/index.js';
import { dropoutMultiplierValues, uniformValues } from '../../stages/lib/tf/uniform.js';

const bytes = (t: tf.Tensor): number[] => Array.from(new Uint8Array(t.dataSync().buffer.slice(0)));

test('uniformValues is the stream of tf.randomUniform(shape, 0, 1, float32, seed)', async () => {
  await useBackend('cpu');
  for (const seed of [0, 1, 7919, 123456789, 0.5]) {
    const expected = tf.randomUniform([3, 1000], 0, 1, 'float32', seed);
    assert.deepEqual(Array.from(uniformValues(seed, new Float32Array(3000))), Array.from(expected.dataSync()), `seed ${seed}`);
    expected.dispose();
  }
});

test('the dropout multiplier is bit-identical to the op sequence it replaces', async () => {
  await useBackend('cpu');
  for (const [rate, seed] of [[0.1, 3], [0.5, 8], [0.3, 15845], [0.9, 2]] as const) {
    const keep = 1 - rate;
    const expected = tf.div(tf.floor(tf.add(tf.randomUniform([64, 33], 0, 1, 'float32', seed), keep)), keep);
    assert.deepEqual(Array.from(dropoutMultiplierValues(64 * 33, keep, seed)), Array.from(expected.dataSync()), `rate ${rate}`);
  }
});

for (const backend of ['wasm', 'cpu'] as const) {
  test(`dropout matches tf.dropout bit for bit, values and gradient, on ${backend}`, async () => {
    await useBackend(backend);
    const x = tf.tensor(Array.from({ length: 4 * 9 * 5 }, (_, i) => Math.sin(i) * 3), [4, 9, 5]);
    const weights = tf.randomUniform([4, 9, 5], -1, 1, 'float32', 5);
    for (const [rate, seed] of [[0.1, 11], [0.5, 42]] as const) {
      assert.deepEqual(bytes(dropout(x, rate, seed)), bytes(tf.dropout(x, rate, undefined, seed)));
      const gradient = (f: (t: tf.Tensor) => tf.Tensor) => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), weights)))(x);
      assert.deepEqual(bytes(gradient((t) => dropout(t, rate, seed))), bytes(gradient((t) => tf.dropout(t, rate, undefined, seed))));
    }
  });
}
