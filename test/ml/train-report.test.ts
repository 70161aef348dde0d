import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseModelConfig } from '../../stages/lib/model/index.js';
import { writeReport, type TrainingReport } from '../../stages/lib/train/report.js';
import { lineChartSvg } from '../../stages/lib/train/svg-chart.js';
import type { EpochRecord } from '../../stages/lib/train/types.js';
import { TINY_HYPER, TINY_MODELS } from './train-fixtures.js';

const scores = { microF1: 0.5, macroF1: 0.4, microPrecision: 0.5, microRecall: 0.5, tokenAccuracy: 0.9, perType: {} };
const epoch = (n: number, validationLoss: number): EpochRecord => ({ epoch: n, trainLoss: 1 / n, validationLoss, validation: scores, learningRate: 0.01 });

function report(history: EpochRecord[]): TrainingReport {
  const model = parseModelConfig(TINY_MODELS.bilstm);
  return { backbone: 'bilstm', backend: 'cpu', seed: 1, model, hyperparameters: TINY_HYPER, history, bestEpoch: 1, best: scores, stoppedEarly: false, stopReason: 'completed', trainTokens: 10, parameters: 5 };
}

const coordinates = (svg: string): string[] => [...svg.matchAll(/(?:points|cx|cy)="([^"]*)"/g)].map((m) => m[1]!);

test('a NaN or infinite loss breaks the curve instead of writing NaN coordinates', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'dagmake-report-'));
  await writeReport(dir, report([epoch(1, 2), epoch(2, Number.NaN), epoch(3, Number.POSITIVE_INFINITY), epoch(4, 1), epoch(5, 0.5)]), true);
  const svg = readFileSync(join(dir, 'loss.svg'), 'utf8');
  for (const value of coordinates(svg)) assert.match(value, /^[\d., ]+$/, `a coordinate that is not a number: ${value}`);
  // Train loss: one line of 5 points; validation loss: a lone point, then a line from epoch 4 to 5.
  const lines = [...svg.matchAll(/<polyline [^>]*points="([^"]*)"/g)].map((m) => m[1]!.split(' ').length);
  assert.deepEqual(lines, [5, 2]);
  assert.equal([...svg.matchAll(/<circle /g)].length, 5 + 3);
});

test('a one-epoch run draws its single point inside the plot', () => {
  const svg = lineChartSvg('loss', 'epoch', [{ name: 'train loss', points: [[1, 0.7]] }]);
  const [cx, cy] = [Number(/cx="([^"]*)"/.exec(svg)![1]), Number(/cy="([^"]*)"/.exec(svg)![1])];
  assert.ok(cx > 60 && cx < 500 && cy >= 36 && cy <= 316, `${cx},${cy}`);
  for (const value of coordinates(svg)) assert.match(value, /^[\d., ]+$/);
});
