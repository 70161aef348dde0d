import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { trainModel } from '../../stages/lib/train/index.js';
import { DEFAULT_OBJECTIVE, improves, objectiveValue } from '../../stages/lib/train/objective.js';
import type { EvaluationMetrics } from '../../stages/lib/train/types.js';
import { TINY_HYPER, TINY_MODELS, WNUT_DIR, labelSetOf, readConll } from './train-fixtures.js';

const scores = (microF1: number, macroF1: number): EvaluationMetrics => ({ microF1, macroF1, microPrecision: microF1, microRecall: microF1, tokenAccuracy: 0.9, perType: {} });

test('the default objective is validation macro-F1, maximised', () => {
  assert.deepEqual(DEFAULT_OBJECTIVE, { metric: 'macro-f1', goal: 'maximize' });
  // Micro-F1 falls while macro-F1 rises: the second epoch is better by the default objective.
  const first = { validation: scores(0.6, 0.3), validationLoss: 1 };
  const second = { validation: scores(0.5, 0.4), validationLoss: 1.1 };
  const best = objectiveValue(first, DEFAULT_OBJECTIVE.metric);
  assert.equal(improves(objectiveValue(second, 'macro-f1'), best, 'maximize'), true);
  assert.equal(improves(objectiveValue(second, 'micro-f1'), objectiveValue(first, 'micro-f1'), 'maximize'), false);
  assert.equal(improves(objectiveValue(second, 'validation-loss'), objectiveValue(first, 'validation-loss'), 'minimize'), false);
  assert.equal(improves(Number.NaN, null, 'maximize'), false);
  assert.equal(improves(0, null, 'minimize'), true);
});

test('the objective picks the kept checkpoint and drives patience', async () => {
  const samples = readConll(join(WNUT_DIR, 'wnut17train.conll'), 60);
  const outDir = mkdtempSync(join(tmpdir(), 'dagmake-objective-'));
  const result = await trainModel({
    train: samples.slice(0, 40),
    validation: samples.slice(40),
    labels: labelSetOf(samples),
    model: TINY_MODELS.bilstm,
    hyper: { ...TINY_HYPER, learningRate: 0.01, epochs: 3, patience: 1 },
    seed: 7,
    backend: 'wasm',
    objective: { metric: 'validation-loss', goal: 'minimize' },
    outDir,
  });
  const losses = result.history.map((r) => r.validationLoss);
  const lowest = losses.indexOf(Math.min(...losses)) + 1;
  assert.ok(lowest > 1, `validation loss should fall on this data: ${losses.join(', ')}`);
  assert.equal(result.bestEpoch, lowest);
  assert.equal(JSON.parse(readFileSync(join(outDir, 'checkpoint', 'meta.json'), 'utf8')).epoch, lowest);
  const report = JSON.parse(readFileSync(join(outDir, 'report.json'), 'utf8'));
  assert.deepEqual(report.objective, { metric: 'validation-loss', goal: 'minimize' });
  assert.match(readFileSync(join(outDir, 'summary.txt'), 'utf8'), new RegExp(`best epoch: ${lowest} \\(minimize validation-loss\\)`));
});
