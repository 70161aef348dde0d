import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { encodeBatch, forward, initWeights, parseModelConfig } from '../../stages/lib/model/index.js';
import { addTo } from '../../stages/lib/model/lean-ops.js';
import { linear } from '../../stages/lib/model/linear.js';
import { layerNorm } from '../../stages/lib/model/ops.js';
import { columnSum, columnSumSimd, columnSumValues } from '../../stages/lib/tf/column-sum.js';
import { tf, useBackend } from '../../stages/lib/tf/index.js';
import { WebAssembly } from '../../stages/lib/tf/wasm-simd.js';
import { AdamW } from '../../stages/lib/train/adamw.js';
import { maskedCrossEntropy } from '../../stages/lib/train/loss.js';
import { TINY_MODELS } from './train-fixtures.js';

const bits = (values: Float32Array | Uint8Array | Int32Array): number[] => Array.from(new Uint32Array(Float32Array.from(values).buffer));

/** Values of many magnitudes (2^−12…2^12, both signs, some −0), so that another order of summation gives other floats. */
function values(length: number, seed: number): Float32Array {
  let state = seed;
  const next = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return Float32Array.from({ length }, () => (next() < 0.02 ? -0 : (next() - 0.5) * 2 ** Math.floor(next() * 24 - 12)));
}

/** Σ rows, two accumulators (even and odd rows) combined at the end: another order, to show the data tells orders apart. */
function twoAccumulators(x: Float32Array, rows: number, n: number): Float32Array {
  const [even, odd] = [new Float32Array(n), new Float32Array(n)];
  for (let r = 0; r < rows; r++) {
    const sums = r % 2 ? odd : even;
    for (let c = 0; c < n; c++) sums[c] = sums[c]! + x[r * n + c]!;
  }
  return even.map((e, c) => e + odd[c]!);
}

const ROWS = [1, 3, 7, 64, 1024, 1031];
const COLUMNS = [1, 5, 13, 64, 128, 256];

test('JsColumnSum gives the bits of ones[1, R]·X and Xᵀ·ones[R, 1] on wasm, and about tf.sum', async () => {
  await useBackend('wasm');
  let otherOrderDiffers = 0;
  for (const rows of ROWS) {
    for (const n of COLUMNS) {
      const data = values(rows * n, rows * 1000 + n);
      const x = tf.tensor2d(data, [rows, n]);
      const sum = columnSum(x);
      assert.deepEqual(sum.shape, [n]);
      const got = bits(sum.dataSync() as Float32Array);
      const rowForm = tf.matMul(tf.ones([1, rows]), tf.clone(x));
      const columnForm = tf.matMul(tf.transpose(x), tf.ones([rows, 1]));
      assert.deepEqual(got, bits(rowForm.dataSync() as Float32Array), `[${rows}, ${n}]: ones·X`);
      assert.deepEqual(got, bits(columnForm.dataSync() as Float32Array), `[${rows}, ${n}]: Xᵀ·ones`);
      if (bits(twoAccumulators(data, rows, n)).some((b, i) => b !== got[i])) otherOrderDiffers += 1;
      const reference = tf.sum(x, 0).dataSync();
      const scale = tf.sum(tf.abs(x), 0).dataSync();
      sum.dataSync().forEach((v, c) => assert.ok(Math.abs(v - reference[c]!) <= rows * 2 ** -23 * scale[c]!, `[${rows}, ${n}] column ${c}: ${v} vs ${reference[c]}`));
      tf.dispose([x, sum, rowForm, columnForm]);
    }
  }
  assert.ok(otherOrderDiffers >= 20, `another summation order changed only ${otherOrderDiffers} cases`);
  const profile = await tf.profile(() => columnSum(tf.ones([8, 6])));
  assert.deepEqual(profile.kernels.map((k) => k.name).filter((name) => name !== 'Fill'), ['JsColumnSum']);
  // A column of −0 sums to +0, as the products give; no rows give zeros.
  assert.deepEqual(bits(columnSum(tf.tensor2d([-0, 1, -0, -2], [2, 2])).dataSync() as Float32Array), bits(Float32Array.from([0, -1])));
  assert.deepEqual(Array.from(columnSum(tf.zeros([0, 3]) as tf.Tensor2D).dataSync()), [0, 0, 0]);
});

test('the SIMD function and the JS loop give the same bits, and write only the n sums', () => {
  const memory = new (WebAssembly.Memory as unknown as new (d: { initial: number }) => { buffer: ArrayBuffer })({ initial: 2 });
  const simd = columnSumSimd(memory);
  assert.ok(simd, 'WebAssembly SIMD is available');
  for (const [rows, n] of [[1, 1], [7, 13], [33, 4], [64, 3], [100, 21]] as const) {
    const x = new Float32Array(memory.buffer, 64, rows * n);
    x.set(values(rows * n, rows + n));
    const out = new Float32Array(memory.buffer, 64 + 4 * rows * n, n + 4);
    out.fill(0);
    out.fill(7, n);
    simd(x.byteOffset, out.byteOffset, rows, n);
    const expected = new Float32Array(n);
    columnSumValues(x, rows, n, expected);
    assert.deepEqual(bits(out.subarray(0, n)), bits(expected), `[${rows}, ${n}]`);
    assert.deepEqual(Array.from(out.subarray(n)), [7, 7, 7, 7], `[${rows}, ${n}]: past the end`);
  }
});

/** Gradient with respect to every input of Σ f(inputs)·w, w the fixed output weights (so that dy = w). */
function gradients(f: (...inputs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[]): { w: tf.Tensor; grads: tf.Tensor[] } {
  const w = tf.randomUniform(f(...inputs).shape, -1, 1, 'float32', 9);
  return { w, grads: tf.grads((...args: tf.Tensor[]) => tf.sum(tf.mul(f(...args), w)))(inputs) };
}

/** Σ over the rows of dy [R, N], as the gradients computed it before JsColumnSum. */
const onesProduct = (dy: tf.Tensor, n: number): number[] => bits(tf.matMul(tf.ones([1, dy.size / n]), tf.reshape(dy, [-1, n])).dataSync() as Float32Array);

test('bias, layer-norm and broadcast-add gradients are the ones-vector products bit for bit on wasm', async () => {
  await useBackend('wasm');
  // Both branches of the weight gradients: K ≤ N, and K > N (as the feed-forward output and the head).
  for (const [k, n] of [[16, 24], [24, 13], [64, 64], [128, 64]] as const) {
    const x = tf.tensor3d(values(4 * 33 * k, k), [4, 33, k]);
    const kernel = tf.tensor2d(values(k * n, n), [k, n]);
    for (const activation of ['linear', 'relu'] as const) {
      const { w, grads } = gradients((a, b, c) => linear(a!, b as tf.Tensor2D, c as tf.Tensor1D, activation), [x, kernel, tf.zeros([n])]);
      const dz = activation === 'relu' ? tf.mul(w, tf.step(linear(x, kernel, tf.zeros([n]) as tf.Tensor1D, 'relu'))) : w;
      assert.deepEqual(bits(grads[2]!.dataSync() as Float32Array), onesProduct(dz, n), `linear ${k}→${n} ${activation}: bias gradient`);
    }
  }
  const x = tf.tensor3d(values(3 * 11 * 40, 5), [3, 11, 40]);
  const norm = { 'ln/gamma': tf.variable(tf.randomUniform([40], 0.5, 1.5, 'float32', 2)), 'ln/beta': tf.variable(tf.zeros([40])) };
  const w = tf.randomUniform(x.shape, -1, 1, 'float32', 9);
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layerNorm(norm, 'ln', x), w)) as tf.Scalar, [norm['ln/beta']]);
  assert.deepEqual(bits(grads[norm['ln/beta'].name]!.dataSync() as Float32Array), onesProduct(w, 40), 'layer-norm beta gradient');
  const table = tf.tensor2d(values(11 * 40, 6), [11, 40]);
  const added = gradients((a, b) => addTo(a!, b!), [x, table]);
  assert.deepEqual(bits(added.grads[1]!.dataSync() as Float32Array), onesProduct(added.w, 11 * 40), 'broadcast-add gradient');
});

/** Digest of the weights after three AdamW steps of a tiny model on wasm. */
async function trainedDigest(backbone: 'transformer' | 'bilstm'): Promise<string> {
  await useBackend('wasm');
  const config = parseModelConfig({ ...TINY_MODELS[backbone] });
  const vocab = { lowercase: true, maxChars: config.maxChars, words: ['<pad>', '<unk>', ...Array.from({ length: 40 }, (_, i) => `w${i}`)], chars: ['<pad>', '<unk>', ...'abcdefgh0123456789'] };
  const sentences = Array.from({ length: 6 }, (_, b) => Array.from({ length: 12 - b }, (_, t) => `${'abcdefgh'.slice(0, 1 + ((b + t) % 8))}${(b * 7 + t * 3) % 40}`));
  const weights = initWeights(config, { words: vocab.words.length, chars: vocab.chars.length }, 5, 1);
  const optimizer = new AdamW(weights, { weightDecay: 0.01 });
  const inputs = encodeBatch(sentences, vocab);
  const [batch = 0, seq = 0] = inputs.mask.shape;
  const labels = tf.tensor2d(Int32Array.from({ length: batch * seq }, (_, i) => (i * 7) % 5), [batch, seq], 'int32');
  for (let step = 1; step <= 3; step++) {
    const loss = () => maskedCrossEntropy(forward(weights, inputs, config, { training: true, dropout: 0.1, seed: step }), labels, inputs.mask);
    const { value, grads } = tf.variableGrads(loss, Object.values(weights));
    optimizer.apply(Object.fromEntries(Object.entries(weights).map(([name, v]) => [name, grads[v.name]!])), 0.01);
    tf.dispose([value, ...Object.values(grads)]);
  }
  const hash = createHash('sha256');
  for (const name of Object.keys(weights).sort()) hash.update(weights[name]!.dataSync() as Float32Array);
  optimizer.dispose();
  return hash.digest('hex').slice(0, 32);
}

test('three training steps give the weights the ones-vector products gave, byte for byte', async () => {
  // Digests recorded with the column sums still computed as products with a ones vector.
  assert.equal(await trainedDigest('transformer'), 'cf8689869796dec6a8974e406e8b4971');
  assert.equal(await trainedDigest('bilstm'), '7708c3b6879b79162111385b5428f03d');
});
