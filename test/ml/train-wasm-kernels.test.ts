import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gatherRows, stackFast, transposeFast, unstackFast } from '../../stages/lib/tf/fast-ops.js';
import { tf, useBackend } from '../../stages/lib/tf/index.js';
import { kernelCategory, kernelFlops, matmulFlops, profileKernels } from '../../stages/lib/tf/kernel-profile.js';
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

/** Values and input gradient of f on wasm (where the JS kernels run) and on cpu (the stock ops). */
async function onBothBackends(x: () => tf.Tensor, f: (x: tf.Tensor) => tf.Tensor): Promise<{ wasm: number[][]; cpu: number[][] }> {
  const run = async (backend: 'wasm' | 'cpu'): Promise<number[][]> => {
    await useBackend(backend);
    const input = x();
    const weights = tf.randomUniform(f(input).shape, -1, 1, 'float32', 5);
    const gradient = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), weights)))(input);
    return [Array.from(await f(input).data()), Array.from(await gradient.data())];
  };
  return { wasm: await run('wasm'), cpu: await run('cpu') };
}

const ramp = (shape: number[]) => () => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => Math.sin(i)), shape);

test('transposeFast runs a JS kernel on wasm and matches tf.transpose, values and gradient', async () => {
  const permutations = (n: number): number[][] =>
    n === 1 ? [[0]] : permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
  const cases: [number[], number[]][] = [
    [[37, 21], [1, 0]],
    [[2, 3, 3, 2, 4], [2, 0, 3, 1, 4]],
    [[3, 40, 2, 35], [3, 0, 2, 1]],
    // Runs that stay contiguous, short and long enough for a bulk copy.
    [[3, 4, 70], [1, 0, 2]],
    [[2, 3, 5, 64], [2, 0, 1, 3]],
    [[70, 33], [1, 0]],
    ...permutations(4).map((perm): [number[], number[]] => [[2, 3, 4, 5], perm]),
  ];
  for (const [shape, perm] of cases) {
    const { wasm, cpu } = await onBothBackends(ramp(shape), (t) => transposeFast(t, perm));
    assert.deepEqual(wasm, cpu, `${shape} by ${perm}`);
  }
  await useBackend('wasm');
  const profile = await tf.profile(() => transposeFast(tf.ones([4, 3]), [1, 0]));
  assert.ok(profile.kernels.some((k) => k.name === 'JsTranspose'));
  assert.deepEqual(Array.from(transposeFast(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32')).dataSync()), [1, 3, 2, 4]);
});

test('gatherRows matches tf.gather, values and gradient, and rejects an id outside the table', async () => {
  const ids = tf.tensor2d([[0, 2, 2], [5, 1, 2]], [2, 3], 'int32');
  const { wasm, cpu } = await onBothBackends(ramp([6, 4]), (t) => gatherRows(t, ids));
  assert.deepEqual(wasm[0], cpu[0]);
  // Row 2 sums three output rows, in another order on cpu.
  wasm[1]!.forEach((value, i) => assert.ok(Math.abs(value - cpu[1]![i]!) < 1e-6, `gradient ${i}: ${value} vs ${cpu[1]![i]}`));
  assert.ok(wasm[1]!.slice(12, 20).every((v) => v === 0) && wasm[1]!.slice(8, 12).some((v) => v !== 0));
  await useBackend('wasm');
  assert.throws(() => gatherRows(tf.ones([3, 2]), tf.tensor1d([0, 3], 'int32')), /index 3 is not in \[0, 2\]/);
});

test('unstackFast and stackFast match tf.unstack and tf.stack, values and gradients', async () => {
  for (const axis of [0, 1, 2]) {
    const pieces = await onBothBackends(ramp([3, 4, 5]), (t) => tf.concat(unstackFast(t, axis).map((p, i) => tf.mul(p, i + 1)), 0));
    assert.deepEqual(pieces.wasm, pieces.cpu, `unstack axis ${axis}`);
    const stacked = await onBothBackends(ramp([3, 4, 5]), (t) => stackFast(tf.unstack(t, 0).map((p, i) => tf.mul(p, i + 1)), axis));
    assert.deepEqual(stacked.wasm, stacked.cpu, `stack axis ${axis}`);
  }
});

test('kernelFlops reads M, N, K and the batch (or the groups) from the shapes, transposed or not', () => {
  assert.equal(matmulFlops([1, 1024, 64], [1, 1024, 128]), 2 * 1024 * 128 * 64);
  assert.equal(matmulFlops([64, 1024], [64, 32]), 2 * 64 * 32 * 1024);
  assert.equal(matmulFlops([1024, 64], [64, 32]), 2 * 64 * 32 * 1024);
  assert.equal(matmulFlops([8, 4, 32, 16], [8, 4, 32, 32]), 2 * 32 * 32 * 32 * 16);
  assert.equal(kernelFlops('DepthwiseConv2dNative', [[1, 512, 1, 8], [16, 1, 8, 32]], [1, 32, 1, 256]), 2 * 32 * 8 * 32 * 16);
  assert.equal(kernelFlops('BatchMatMul', [[1, 1024, 64], [1, 64, 128]], [1, 1024, 128]), 2 * 1024 * 128 * 64);
  assert.equal(kernelFlops('Add', [[4, 4], [4, 4]], [4, 4]), 0);
  assert.equal(kernelCategory('_FusedMatMul'), 'matmul');
  assert.equal(kernelCategory('JsTranspose'), 'transpose/copy');
  assert.equal(kernelCategory('Sigmoid'), 'elementwise');
});

test('profileKernels splits the kernels into phases at the marks and counts matmul FLOPs', async () => {
  await useBackend('wasm');
  const a = tf.ones([8, 4]);
  const profile = await profileKernels((mark) => {
    const b = tf.matMul(a, tf.ones([4, 3]));
    mark();
    tf.sigmoid(b);
    mark();
    tf.relu(tf.transpose(b));
  }, 2);
  const byPhase = [0, 1, 2].map((phase) => profile.kernels.filter((k) => k.phase === phase).map((k) => k.name));
  assert.ok(byPhase[0]!.includes('BatchMatMul') && !byPhase[0]!.includes('Sigmoid'));
  assert.deepEqual(byPhase[1], ['Sigmoid']);
  assert.ok(byPhase[2]!.includes('Relu') && byPhase[2]!.includes('Transpose'));
  assert.equal(profile.kernels.reduce((sum, k) => sum + k.flops, 0), 2 * 8 * 3 * 4);
  assert.ok(profile.kernels.every((k) => k.ms >= 0));
});
