import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { Sample } from '../../stages/lib/data/sample.js';
import { tokenize } from '../../stages/lib/data/tokenize.js';
import { buildVocabulary, initWeights, parseModelConfig, vocabSizes, type BackboneConfig, type WeightMap } from '../../stages/lib/model/index.js';
import { checkOnnxFile, findOnnxPython } from '../../stages/lib/onnx/checker.js';
import { weightArrays } from '../../stages/lib/onnx/export-common.js';
import { exportOnnx } from '../../stages/lib/onnx/export-model.js';
import { decodeModel } from '../../stages/lib/onnx/graph-builder.js';
import { parseModelMetadata } from '../../stages/lib/onnx/model-metadata.js';
import { compareLogits } from '../../stages/lib/onnx/parity.js';
import { quantizeModel } from '../../stages/lib/onnx/quantize.js';
import { createSession } from '../../stages/lib/onnx/session.js';
import { tf, useBackend } from '../../stages/lib/tf/index.js';
import { toWindows } from '../../stages/lib/train/batching.js';
import { saveTensors } from '../../stages/lib/train/tensor-file.js';
import exportStage from '../../stages/export_onnx.js';
import type { StageContext } from '../../src/stage-api.js';

const TAGS = ['O', 'B-NAME', 'I-NAME', 'B-ORG', 'I-ORG'];
const TEXTS = [
  'Jane Doe, Senior Data Engineer at Acme, jane@acme.io',
  'John Smith worked at Globex Corporation from 2015 to 2019 as a Python developer',
  'Skills: TensorFlow, ONNX, C++, Node.js',
  'Maria',
  'Contact +44 20 7946 0958 or visit https://example.org/cv for the full résumé of Zoë Ångström at Initech',
];

function samples(): Sample[] {
  return TEXTS.map((text, i) => {
    const { tokens, offsets } = tokenize(text);
    const tags = tokens.map((_, t) => (t === 0 ? 'B-NAME' : t === 1 ? 'I-NAME' : t % 5 === 3 ? 'B-ORG' : 'O'));
    return { id: `v${i}`, text, tokens, offsets, tags };
  });
}

const SMALL = { wordDim: 12, charDim: 6, charFilters: 8, charWindow: 3, maxChars: 7, maxLength: 9, minWordCount: 1 };
const CONFIGS: BackboneConfig[] = [
  parseModelConfig({ backbone: 'bilstm', ...SMALL, hidden: 10 }),
  parseModelConfig({ backbone: 'transformer', ...SMALL, dModel: 16, heads: 2, layers: 2, ffn: 24 }),
];

/** Random weights, with every tensor (zero biases, unit gains included) pushed off its initial value. */
function randomWeights(config: BackboneConfig, vocab: ReturnType<typeof buildVocabulary>): WeightMap {
  const weights = initWeights(config, vocabSizes(vocab), TAGS.length, 3);
  let seed = 1;
  for (const variable of Object.values(weights)) {
    tf.tidy(() => variable.assign(tf.add(variable, tf.randomUniform(variable.shape, -0.3, 0.3, 'float32', seed++))));
  }
  return weights;
}

const dir = await mkdtemp(join(tmpdir(), 'onnx-export-'));
before(() => useBackend('wasm'));
after(() => rm(dir, { recursive: true, force: true }));

for (const config of CONFIGS) {
  test(`${config.backbone}: ONNX FP32 logits match TensorFlow.js, int8 stays close`, async () => {
    const data = samples();
    const vocab = buildVocabulary(data.slice(0, 3).map((s) => s.tokens), config);
    const weights = randomWeights(config, vocab);
    const fp32 = exportOnnx({ weights: weightArrays(weights), config, vocab, labels: TAGS });
    const meta = parseModelMetadata(fp32);
    assert.equal(meta.backbone, config.backbone);
    assert.deepEqual(meta.labels, TAGS);
    assert.deepEqual(meta.vocab, vocab);
    assert.equal(meta.preprocessing.maxLength, config.maxLength);

    // Long texts split into several windows, so batches mix lengths (padding) and sizes.
    const windows = toWindows(data, config.maxLength);
    assert.ok(windows.length > data.length);
    const model = { weights, config, vocab };
    const parity = await compareLogits(model, await createSession(fp32), windows, TAGS.length, 4);
    assert.ok(parity.maxAbsDiff <= 1e-4, `max |Δ| ${parity.maxAbsDiff}`);
    assert.equal(parity.argmaxAgreement, 1);

    const { bytes: int8, report } = quantizeModel(fp32);
    assert.ok(report.quantizedWeightRatio >= 2.5, `×${report.quantizedWeightRatio}`);
    assert.ok(int8.byteLength < fp32.byteLength);
    const ops = new Set(decodeModel(int8).graph?.node?.map((n) => n.opType));
    assert.ok(ops.has('MatMulInteger'));
    if (config.backbone === 'bilstm') {
      assert.ok(ops.has('DynamicQuantizeLSTM') && !ops.has('LSTM'));
      assert.ok(report.quantized.some((q) => q.op === 'LSTM'));
    }
    const quantized = await compareLogits(model, await createSession(int8), windows, TAGS.length, 4);
    assert.ok(quantized.maxAbsDiff > 0 && quantized.maxAbsDiff < 0.5, `int8 max |Δ| ${quantized.maxAbsDiff}`);
    assert.ok(quantized.argmaxAgreement >= 0.85, `int8 argmax agreement ${quantized.argmaxAgreement}`);

    if (findOnnxPython()) {
      for (const [name, bytes] of [['fp32', fp32], ['int8', int8]] as const) {
        const file = join(dir, `${config.backbone}-${name}.onnx`);
        await writeFile(file, bytes);
        const result = checkOnnxFile(file);
        assert.ok(result.available && result.ok, `${name}: ${JSON.stringify(result)}`);
      }
    }
    tf.dispose(Object.values(weights));
  });
}

test('export_onnx stage writes both models and a passing smoke.json, and its timings as run info', async () => {
  const config = CONFIGS[0]!;
  const data = samples();
  const vocab = buildVocabulary(data.map((s) => s.tokens), config);
  const weights = randomWeights(config, vocab);
  const checkpoint = join(dir, 'project/outputs/final_training/checkpoint');
  await mkdir(checkpoint, { recursive: true });
  await saveTensors(checkpoint, 'weights', weights);
  await writeFile(join(checkpoint, 'vocab.json'), JSON.stringify(vocab));
  await writeFile(join(checkpoint, 'labels.json'), JSON.stringify({ entityTypes: ['NAME', 'ORG'], tags: TAGS }));
  await writeFile(join(checkpoint, 'config.json'), JSON.stringify({ model: config, hyperparameters: {}, seed: 3 }));
  await mkdir(join(dir, 'project/outputs/dataset'), { recursive: true });
  await writeFile(join(dir, 'project/outputs/dataset/validation.json'), JSON.stringify(data));
  tf.dispose(Object.values(weights));

  const root = join(dir, 'project');
  const metrics: Record<string, number> = {};
  const ctx: StageContext = {
    stage: 'export_onnx',
    root,
    with: { benchWindows: 4 },
    params: {},
    deps: [],
    outs: [],
    resolve: (p) => join(root, p),
    runInfoDir: join(dir, 'run-info'),
    log: { info: () => {}, warn: () => {}, error: () => {} },
    progress: () => {},
    metric: (name, value) => {
      metrics[name] = value;
    },
    memo: () => Promise.reject(new Error('unused')),
    signal: new AbortController().signal,
  };
  await exportStage(ctx);
  const smoke = JSON.parse(await readFile(join(root, 'outputs/onnx_model/smoke.json'), 'utf8'));
  assert.equal(smoke.passed, true, JSON.stringify(smoke.failures));
  assert.ok(smoke.parity.maxAbsDiff <= 1e-4);
  assert.equal(smoke.validation.sentences, data.length);
  assert.equal(smoke.speed, undefined, 'timings differ on every run: they are not part of the output');
  const latency = JSON.parse(await readFile(join(dir, 'run-info/latency.json'), 'utf8'));
  for (const runtime of ['tfjs', 'ortFp32', 'ortInt8']) {
    assert.ok(latency[runtime].latencyP50Ms > 0 && latency[runtime].throughput > 0, runtime);
  }
  assert.equal(metrics['onnx/latency_p50_ms_int8'], latency.ortInt8.latencyP50Ms);
  assert.ok(smoke.size.ratio > 1);
  assert.ok(Array.isArray(smoke.quantization.leftFp32) && smoke.quantization.leftFp32.length > 0);
  assert.ok(smoke.quantization.leftFp32.every((l: { reason: string }) => l.reason.length > 0));
  assert.equal(metrics['onnx/max_abs_diff'], smoke.parity.maxAbsDiff);
  const fp32 = await readFile(join(root, 'outputs/onnx_model/model.onnx'));
  assert.equal(parseModelMetadata(fp32).backbone, 'bilstm');
});
