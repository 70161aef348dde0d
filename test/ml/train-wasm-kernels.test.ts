import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tf, useBackend } from '../../stages/lib/tf/index.js';
import { unsortedSegmentSumValues } from '../../stages/lib/tf/wasm-kernels.js';
import { AdamW } from '../../stages/lib/train/adamw.js';
import { maskedCrossEntropy } from '../../stages/lib/train/loss.js';

async function embeddingGradient(backend: 'wasm' | 'cpu'): Promise<Float32Array> {
  await useBackend(backend);
  const table = tf.tensor2d(Array.from({ length: 6 * 3 }, (_, i) => Math.sin(i)), [6, 3]);
  const ids = tf.tensor2d([[0, 2, 2], [5, 1, 2]], [2, 3], 'int32');
  const scale = tf.tensor1d([1, -2, 3]);
  const gradient = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.square(tf.gather(t, ids)), scale)))(table);
  return Float32Array.from(await gradient.data());
}

test('embedding (gather) gradient on wasm matches the cpu backend', async () => {
  const wasm = await embeddingGradient('wasm');
  const cpu = await embeddingGradient('cpu');
  assert.equal(wasm.length, cpu.length);
  wasm.forEach((value, i) => assert.ok(Math.abs(value - (cpu[i] ?? 0)) < 1e-5, `index ${i}: ${value} vs ${cpu[i]}`));
  // Row 2 is looked up three times, rows 3 and 4 never.
  assert.ok(cpu.slice(9, 15).every((v) => v === 0));
  assert.ok(cpu.slice(6, 9).some((v) => v !== 0));
});

test('segment sum drops out-of-range ids and sums repeated ones', () => {
  const out = new Float32Array(4);
  unsortedSegmentSumValues([1, 2, 3, 4, 5, 6], [1, 1, -1], 2, 2, out);
  assert.deepEqual([...out], [0, 0, 4, 6]);
});

test('a training step with an embedding lookup lowers the loss on wasm', async () => {
  await useBackend('wasm');
  const weights = { embed: tf.variable(tf.randomUniform([10, 4], -0.1, 0.1, 'float32', 3)), head: tf.variable(tf.randomUniform([4, 3], -0.5, 0.5, 'float32', 4)) };
  const ids = tf.tensor2d([[1, 2, 3], [4, 5, 0]], [2, 3], 'int32');
  const labels = tf.tensor2d([[0, 1, 2], [2, 1, 0]], [2, 3], 'int32');
  const mask = tf.tensor2d([[1, 1, 1], [1, 1, 0]]);
  const optimizer = new AdamW(weights, { weightDecay: 0.01 });
  const lossOf = () => maskedCrossEntropy(tf.reshape(tf.matMul(tf.reshape(tf.gather(weights.embed, ids), [6, 4]), weights.head), [2, 3, 3]) as tf.Tensor3D, labels, mask);
  const before = lossOf().dataSync()[0]!;
  for (let i = 0; i < 20; i++) {
    const { value, grads } = tf.variableGrads(lossOf, [weights.embed, weights.head]);
    optimizer.apply({ embed: grads[weights.embed.name]!, head: grads[weights.head.name]! }, 0.05);
    tf.dispose([value, ...Object.values(grads)]);
  }
  const after = lossOf().dataSync()[0]!;
  assert.ok(after < before * 0.7, `loss ${before} → ${after}`);
});
