import assert from 'node:assert/strict';
import { test } from 'node:test';
import { adamwValues } from '../../stages/lib/tf/adamw-kernel.js';
import { adamwSimd, WebAssembly } from '../../stages/lib/tf/adamw-simd.js';
import { tf, useBackend } from '../../stages/lib/tf/index.js';
import { AdamW, adamwOps } from '../../stages/lib/train/adamw.js';

type Backend = 'wasm' | 'cpu';

const SHAPES: Record<string, number[]> = { kernel: [7, 5], bias: [5], table: [40, 3], scale: [1] };

/** Gradients of mixed sign and magnitude (and exact zeros), different at every step. */
function gradients(step: number): Record<string, tf.Tensor> {
  return Object.fromEntries(
    Object.entries(SHAPES).map(([name, shape], n) => {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = Array.from({ length: size }, (_, i) => (i % 7 === 3 ? 0 : Math.sin(i * 1.7 + step * 3.1 + n) * 10 ** ((i % 9) - 5)));
      return [name, tf.tensor(values, shape)];
    }),
  );
}

function initialWeights(): Record<string, tf.Variable> {
  return Object.fromEntries(
    Object.entries(SHAPES).map(([name, shape], n) => [name, tf.variable(tf.randomUniform(shape, -1, 1, 'float32', 11 + n), true, `adamw-test/${name}/${Math.random()}`)]),
  );
}

/** The op sequence of adamwOps, applied variable by variable, as the optimizer did before it had a kernel. */
class ReferenceAdamW {
  readonly moments: Record<string, tf.Variable> = {};
  step = 0;

  constructor(private readonly weights: Record<string, tf.Variable>, private readonly weightDecay: number) {
    for (const [name, w] of Object.entries(weights)) {
      this.moments[`${name}/m`] = tf.variable(tf.zerosLike(w), false);
      this.moments[`${name}/v`] = tf.variable(tf.zerosLike(w), false);
    }
  }

  apply(grads: Record<string, tf.Tensor>, learningRate: number): void {
    this.step += 1;
    const scalars = { beta1: 0.9, beta2: 0.999, correction1: 1 - 0.9 ** this.step, correction2: 1 - 0.999 ** this.step, epsilon: 1e-8, learningRate };
    tf.tidy(() => {
      for (const [name, weight] of Object.entries(this.weights)) {
        const grad = grads[name];
        if (!grad) continue;
        const decay = AdamW.decays(weight) ? this.weightDecay : 0;
        adamwOps({ weight, m: this.moments[`${name}/m`]!, v: this.moments[`${name}/v`]!, grad, decay }, scalars);
      }
    });
  }
}

const bytes = (tensors: Record<string, tf.Tensor>): Record<string, number[]> =>
  Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, Array.from(new Uint8Array(t.dataSync().buffer.slice(0)))]));

/** Weights and moments after `steps` updates, by the optimizer and by the reference, on one backend. */
async function train(backend: Backend, steps: number, weightDecay: number) {
  await useBackend(backend);
  const run = (make: (w: Record<string, tf.Variable>) => { apply: (g: Record<string, tf.Tensor>, lr: number) => void; moments: Record<string, tf.Variable> }) => {
    const weights = initialWeights();
    const optimizer = make(weights);
    for (let step = 1; step <= steps; step++) {
      const grads = gradients(step);
      // One variable without a gradient at step 2: it and its moments stay as they are.
      if (step === 2) delete grads['scale'];
      optimizer.apply(grads, 0.01 * step);
      tf.dispose(Object.values(grads));
    }
    return { weights: bytes(weights), moments: bytes(optimizer.moments) };
  };
  return { fused: run((w) => new AdamW(w, { weightDecay })), reference: run((w) => new ReferenceAdamW(w, weightDecay)) };
}

for (const backend of ['wasm', 'cpu'] as const) {
  test(`AdamW's fused update is bit-identical to the op sequence on ${backend}`, async () => {
    for (const weightDecay of [0, 0.01, 0.5]) {
      const { fused, reference } = await train(backend, 4, weightDecay);
      assert.deepEqual(fused.weights, reference.weights, `weights, decay ${weightDecay}`);
      assert.deepEqual(fused.moments, reference.moments, `moments, decay ${weightDecay}`);
      assert.deepEqual(Object.keys(fused.moments).sort(), Object.keys(SHAPES).flatMap((n) => [`${n}/m`, `${n}/v`]).sort());
    }
  });
}

test('AdamW runs one kernel per step on wasm and cpu, and gives the same bytes on both', async () => {
  const results: Record<string, number[]>[] = [];
  for (const backend of ['wasm', 'cpu'] as const) {
    await useBackend(backend);
    const weights = initialWeights();
    const optimizer = new AdamW(weights, { weightDecay: 0.01 });
    const grads = gradients(1);
    const profile = await tf.profile(() => optimizer.apply(grads, 0.001));
    assert.deepEqual(profile.kernels.map((k) => k.name), ['JsAdamW'], backend);
    optimizer.apply(gradients(2), 0.001);
    results.push(bytes(weights));
  }
  assert.deepEqual(results[0], results[1]);
});

test('resuming from saved moments and step continues exactly', async () => {
  await useBackend('wasm');
  const weights = initialWeights();
  const optimizer = new AdamW(weights, { weightDecay: 0.01 });
  optimizer.apply(gradients(1), 0.01);
  const savedWeights = Object.fromEntries(Object.entries(weights).map(([n, w]) => [n, tf.clone(w)]));
  const savedMoments = Object.fromEntries(Object.entries(optimizer.moments).map(([n, m]) => [n, tf.clone(m)]));
  optimizer.apply(gradients(2), 0.01);
  const resumedWeights = Object.fromEntries(Object.entries(savedWeights).map(([n, w]) => [n, tf.variable(w, true, `resumed/${n}/${Math.random()}`)]));
  const resumed = new AdamW(resumedWeights, { weightDecay: 0.01 });
  for (const [name, moment] of Object.entries(savedMoments)) resumed.moments[name]!.assign(moment);
  resumed.step = 1;
  resumed.apply(gradients(2), 0.01);
  assert.deepEqual(bytes(resumedWeights), bytes(weights));
  assert.deepEqual(bytes(resumed.moments), bytes(optimizer.moments));
});

test('adamwValues follows the AdamW formulas (double-precision reference, float32 tolerance)', () => {
  const scalars = { beta1: 0.9, beta2: 0.999, correction1: 1 - 0.9 ** 3, correction2: 1 - 0.999 ** 3, epsilon: 1e-8, learningRate: 0.05 };
  const w = Float32Array.from([0.5, -2, 3, 0]);
  const m = Float32Array.from([0.1, 0, -0.3, 0]);
  const v = Float32Array.from([0.01, 0, 0.2, 0]);
  const g = Float32Array.from([1, -1e-3, 0.25, 0]);
  const out = { w: new Float32Array(4), m: new Float32Array(4), v: new Float32Array(4) };
  adamwValues(w, m, v, g, scalars, 0.1, out);
  for (let i = 0; i < 4; i++) {
    const mi = 0.9 * m[i]! + 0.1 * g[i]!;
    const vi = 0.999 * v[i]! + 0.001 * g[i]! ** 2;
    const update = mi / scalars.correction1 / (Math.sqrt(vi / scalars.correction2) + 1e-8);
    const wi = w[i]! * (1 - 0.05 * 0.1) - 0.05 * update;
    for (const [got, want] of [[out.m[i]!, mi], [out.v[i]!, vi], [out.w[i]!, wi]] as const) {
      assert.ok(Math.abs(got - want) <= 1e-6 * Math.max(1, Math.abs(want)), `index ${i}: ${got} vs ${want}`);
    }
  }
});

test('the SIMD update gives the bytes of the JS loop, four at a time, and leaves the rest to it', () => {
  const memory = new (WebAssembly.Memory as unknown as new (d: { initial: number }) => { buffer: ArrayBuffer })({ initial: 1 });
  const simd = adamwSimd(memory);
  assert.ok(simd, 'WebAssembly SIMD is available');
  const n = 37;
  const arrays = Array.from({ length: 7 }, (_, k) => new Float32Array(memory.buffer, k * 256, n));
  const [w, m, v, g] = arrays as [Float32Array, Float32Array, Float32Array, Float32Array];
  for (let i = 0; i < n; i++) [w[i], m[i], v[i], g[i]] = [Math.sin(i), Math.cos(i) * 1e-3, Math.abs(Math.sin(3 * i)) * 1e-5, i % 5 === 0 ? 0 : Math.sin(7 * i) * 10 ** ((i % 7) - 4)];
  const scalars = [0.9, 0.1, 0.999, 0.001, 1 - 0.9 ** 2, 1 - 0.999 ** 2, 1e-8, 0.01, 1 - 0.01 * 0.05].map(Math.fround);
  simd(...arrays.map((a) => a.byteOffset), n, ...scalars);
  const expected = { w: new Float32Array(n), m: new Float32Array(n), v: new Float32Array(n) };
  adamwValues(w, m, v, g, { beta1: 0.9, beta2: 0.999, correction1: 1 - 0.9 ** 2, correction2: 1 - 0.999 ** 2, epsilon: 1e-8, learningRate: 0.01 }, 0.05, expected);
  const done = n - (n % 4);
  assert.deepEqual(Array.from(arrays[4]!.subarray(0, done)), Array.from(expected.w.subarray(0, done)));
  assert.deepEqual(Array.from(arrays[5]!.subarray(0, done)), Array.from(expected.m.subarray(0, done)));
  assert.deepEqual(Array.from(arrays[6]!.subarray(0, done)), Array.from(expected.v.subarray(0, done)));
  assert.ok(arrays[4]!.subarray(done).every((x) => x === 0), 'the tail is not touched');
});
