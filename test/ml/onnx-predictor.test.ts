import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { tokenize } from '../../stages/lib/data/tokenize.js';
import { buildVocabulary, initWeights, parseModelConfig, vocabSizes } from '../../stages/lib/model/index.js';
import { weightArrays } from '../../stages/lib/onnx/export-common.js';
import { exportOnnx } from '../../stages/lib/onnx/export-model.js';
import { quantizeModel } from '../../stages/lib/onnx/quantize.js';
import { tf, useBackend } from '../../stages/lib/tf/index.js';
import { createPredictor } from '../../stages/predict.js';

const TAGS = ['O', 'B-NAME', 'I-NAME', 'B-ORG', 'I-ORG'];
const TEXT = 'Jane Doe, Senior Data Engineer at Acme, jane@acme.io';
const dir = await mkdtemp(join(tmpdir(), 'onnx-predictor-'));
const modelPath = join(dir, 'model_int8.onnx');

before(async () => {
  await useBackend('wasm');
  // One window holds a whole long text, so a single prediction is one long session.run.
  const config = parseModelConfig({ backbone: 'transformer', wordDim: 32, charDim: 8, charFilters: 16, maxChars: 8, maxLength: 4096, minWordCount: 1, dModel: 64, heads: 4, layers: 2, ffn: 128 });
  const vocab = buildVocabulary([tokenize(TEXT).tokens], config);
  const weights = initWeights(config, vocabSizes(vocab), TAGS.length, 11);
  // A strong bias towards B-NAME/I-NAME on the head makes the random model emit entities.
  tf.tidy(() => weights['head/bias']!.assign(tf.tensor1d([0, 3, 2.5, 0, 0])));
  await writeFile(modelPath, quantizeModel(exportOnnx({ weights: weightArrays(weights), config, vocab, labels: TAGS })).bytes);
  tf.dispose(Object.values(weights));
});
after(() => rm(dir, { recursive: true, force: true }));

test('predict returns entities with offsets into the input text', async () => {
  const predictor = await createPredictor(modelPath);
  try {
    const { entities } = await predictor.predict(TEXT);
    assert.ok(entities.length > 0);
    for (const entity of entities) {
      assert.ok(['NAME', 'ORG'].includes(entity.type));
      assert.equal(entity.text, TEXT.slice(entity.start, entity.end));
      assert.ok(entity.score > 0 && entity.score <= 1);
    }
    assert.deepEqual(await predictor.predict(''), { entities: [] });
    const again = await predictor.predict(TEXT);
    assert.deepEqual(again.entities, entities);
  } finally {
    await predictor.close();
  }
  await assert.rejects(predictor.predict(TEXT), /closed/);
});

test('the event loop keeps running while a prediction is in flight', async () => {
  const predictor = await createPredictor(modelPath);
  const longText = Array.from({ length: 1500 }, (_, i) => `word${i % 50}`).join(' ');
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    await predictor.predict('warm up');
    ticks = 0;
    const result = await predictor.predict(longText);
    assert.ok(Array.isArray(result.entities));
    // Inline inference would run the whole window in one synchronous session.run: no ticks at all.
    assert.ok(ticks >= 5, `only ${ticks} timer ticks during one long prediction`);
  } finally {
    clearInterval(timer);
    await predictor.close();
  }
});

test('createPredictor rejects a missing or foreign model clearly', async () => {
  await assert.rejects(createPredictor(join(dir, 'missing.onnx')), /not found/);
  const foreign = join(dir, 'foreign.onnx');
  await writeFile(foreign, new Uint8Array([1, 2, 3, 4]));
  await assert.rejects(createPredictor(foreign));
});

test('predict CLI explains that the pipeline must run first when the model is missing', async () => {
  const run = promisify(execFile);
  const cli = join(process.cwd(), 'stages/predict-cli.ts');
  const error = await run(process.execPath, ['--import', 'tsx', cli, TEXT, '--model', join(dir, 'nope.onnx')]).then(
    () => assert.fail('expected a non-zero exit'),
    (e: { code: number; stderr: string }) => e,
  );
  assert.equal(error.code, 1);
  assert.match(error.stderr, /run(ning)? the pipeline/);
});
