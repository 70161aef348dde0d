import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { checkOnnxFile, findOnnxPython } from '../../stages/lib/onnx/checker.js';
import { GraphBuilder, decodeModel, readMetadata } from '../../stages/lib/onnx/graph-builder.js';
import { quantizeModel } from '../../stages/lib/onnx/quantize.js';
import { createSession, int64Tensor, runFloat } from '../../stages/lib/onnx/session.js';

// A hand-written tagger: logits = Gather(E, ids)·W + b, checked against the same maths in JS.
const V = 300;
const D = 48;
const N = 64;

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

const random = seeded(42);
const E = Float32Array.from({ length: V * D }, () => random());
const W = Float32Array.from({ length: D * N }, () => random() * (1 + Math.abs(random()) * 4));
const b = Float32Array.from({ length: N }, () => random());

function reference(ids: readonly number[]): Float32Array {
  const out = new Float32Array(ids.length * N);
  ids.forEach((id, t) => {
    for (let n = 0; n < N; n++) {
      let sum = b[n]!;
      for (let d = 0; d < D; d++) sum += E[id * D + d]! * W[d * N + n]!;
      out[t * N + n] = sum;
    }
  });
  return out;
}

function buildModel(): Uint8Array {
  const g = new GraphBuilder('embed_dense');
  g.input('ids', 'int64', ['batch', 'seq']);
  g.output('logits', 'float', ['batch', 'seq', N]);
  const emb = g.initializer('E', 'float', [V, D], E);
  const rows = g.op('Gather', [emb, 'ids'], { axis: 0 });
  const mm = g.op('MatMul', [rows, g.initializer('W', 'float', [D, N], W)]);
  g.op('Add', [mm, g.initializer('b', 'float', [N], b)], undefined, 'logits');
  g.meta('labels', JSON.stringify(['O', 'B-X']));
  return g.build();
}

function maxAbsDiff(a: Float32Array, c: Float32Array): number {
  assert.equal(a.length, c.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - c[i]!));
  return m;
}

function argmaxAgreement(a: Float32Array, c: Float32Array): number {
  let agree = 0;
  const rows = a.length / N;
  for (let r = 0; r < rows; r++) {
    let ia = 0;
    let ic = 0;
    for (let n = 1; n < N; n++) {
      if (a[r * N + n]! > a[r * N + ia]!) ia = n;
      if (c[r * N + n]! > c[r * N + ic]!) ic = n;
    }
    if (ia === ic) agree++;
  }
  return agree / rows;
}

const ids = Array.from({ length: 6 * 20 }, (_, i) => (i * 37 + 11) % V);
const dir = await mkdtemp(join(tmpdir(), 'onnx-builder-'));
after(() => rm(dir, { recursive: true, force: true }));

test('builder: encoded model decodes with IR 8, opset 17, metadata and symbolic dims', () => {
  const model = decodeModel(buildModel());
  assert.equal(Number(model.irVersion), 8);
  assert.deepEqual(
    model.opsetImport.map((o) => [o.domain, Number(o.version)]),
    [['', 17]],
  );
  const dims = model.graph?.input?.[0]?.type?.tensorType?.shape?.dim?.map((d) => d.dimParam);
  assert.deepEqual(dims, ['batch', 'seq']);
  assert.deepEqual(readMetadata(buildModel()), { labels: '["O","B-X"]' });
  assert.throws(() => new GraphBuilder('x').initializer('w', 'float', [2, 2], new Float32Array(3)), /3 values/);
});

test('builder: ORT output matches the JS reference for different batch and sequence sizes', async () => {
  const session = await createSession(buildModel());
  for (const [batch, seq] of [[6, 20], [1, 3], [3, 40]] as const) {
    const slice = Array.from({ length: batch * seq }, (_, i) => ids[i % ids.length]!);
    const out = await runFloat(session, { ids: int64Tensor(slice, [batch, seq]) }, 'logits');
    assert.deepEqual(out.dims, [batch, seq, N]);
    assert.ok(maxAbsDiff(out.data, reference(slice)) < 1e-5);
  }
});

test('quantize: int8 model is smaller, close to FP32 and fully reported', async () => {
  const fp32 = buildModel();
  const { bytes, report } = quantizeModel(fp32);
  assert.deepEqual(report.quantized.map((q) => [q.tensor, q.op]).sort(), [['E', 'Gather'], ['W', 'MatMul']]);
  assert.ok(report.quantizedWeightRatio >= 2.5, `quantised weights ×${report.quantizedWeightRatio}`);
  assert.ok(fp32.byteLength / bytes.byteLength >= 2.5, `file ×${fp32.byteLength / bytes.byteLength}`);
  assert.deepEqual(report.leftFp32.map((l) => [l.tensor, l.ops]), [['b', ['Add']]]);
  const ops = decodeModel(bytes).graph?.node?.map((n) => n.opType);
  assert.ok(ops?.includes('MatMulInteger') && ops.includes('DynamicQuantizeLinear'));
  assert.ok(!ops?.includes('MatMul'));

  const [a, c] = await Promise.all(
    [fp32, bytes].map(async (model) => (await runFloat(await createSession(model), { ids: int64Tensor(ids, [6, 20]) }, 'logits')).data),
  );
  assert.ok(maxAbsDiff(a!, c!) < 0.05, `int8 max diff ${maxAbsDiff(a!, c!)}`);
  assert.ok(maxAbsDiff(a!, c!) > 0, 'int8 output should not be bit-identical to FP32');
  assert.ok(argmaxAgreement(a!, c!) >= 0.95);
});

test('onnx.checker accepts the FP32 and int8 models', { skip: findOnnxPython() ? false : 'python onnx package not installed' }, async () => {
  const fp32 = buildModel();
  await writeFile(join(dir, 'fp32.onnx'), fp32);
  await writeFile(join(dir, 'int8.onnx'), quantizeModel(fp32).bytes);
  for (const file of ['fp32.onnx', 'int8.onnx']) {
    const result = checkOnnxFile(join(dir, file));
    assert.ok(result.available && result.ok, JSON.stringify(result));
  }
});
