import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { trainModel } from '../../stages/lib/train/index.js';
import type { TrainOptions } from '../../stages/lib/train/types.js';
import { TINY_HYPER, TINY_MODELS, WNUT_DIR, labelSetOf, readConll } from './train-fixtures.js';

const samples = readConll(join(WNUT_DIR, 'wnut17train.conll'), 30);

function options(extra: Partial<TrainOptions>): TrainOptions {
  return { train: samples.slice(0, 20), validation: samples.slice(20), labels: labelSetOf(samples), model: TINY_MODELS.bilstm, hyper: TINY_HYPER, seed: 1, backend: 'wasm', outDir: mkdtempSync(join(tmpdir(), 'dagmake-train-errors-')), ...extra };
}

const inputError = (pattern: RegExp) => (error: Error & { stageInputError?: boolean }) => {
  assert.match(error.message, pattern);
  assert.equal(error.stageInputError, true, 'reported without a stack trace');
  return true;
};

test('problems the user fixes in the data or the hyperparameters are input errors with a hint', async () => {
  await assert.rejects(
    trainModel(options({ hyper: { ...TINY_HYPER, learningRate: 1e6, clipNorm: 0, epochs: 4 } })),
    inputError(/^Training diverged at epoch \d+, step \d+ \(loss (NaN|Infinity)\); lower the learning rate, or set clipNorm above 0/),
  );
  const { tags, entityTypes } = labelSetOf(samples);
  await assert.rejects(
    trainModel(options({ labels: { entityTypes: entityTypes.slice(1), tags: tags.filter((t) => !t.endsWith(`-${entityTypes[0]}`)) } })),
    inputError(new RegExp(`^Tag '[BI]-${entityTypes[0]}' of the training split is not in labels\\.json .*; rebuild the dataset`)),
  );
  await assert.rejects(trainModel(options({ train: [] })), inputError(/^the training split is empty/));
});
