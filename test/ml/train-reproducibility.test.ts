import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { trainModel } from '../../stages/lib/train/index.js';
import type { TrainingTiming, TrainOptions } from '../../stages/lib/train/types.js';
import { TINY_HYPER, TINY_MODELS, WNUT_DIR, labelSetOf, readConll, readTree } from './train-fixtures.js';

const samples = readConll(join(WNUT_DIR, 'wnut17train.conll'), 60);
const train = samples.slice(0, 40);
const validation = samples.slice(40);
const labels = labelSetOf(samples);
const tempDir = (): string => mkdtempSync(join(tmpdir(), 'dagmake-train-'));

function options(model: TrainOptions['model'], outDir: string, extra: Partial<TrainOptions> = {}): TrainOptions {
  return { train, validation, labels, model, hyper: TINY_HYPER, seed: 7, backend: 'wasm', outDir, ...extra };
}

const weightBytes = (outDir: string, which = 'last'): Buffer => readFileSync(join(outDir, which, 'weights.bin'));

test('the same seed gives byte-identical outputs, timings apart; another seed does not', async () => {
  const [a, b, c] = [tempDir(), tempDir(), tempDir()];
  const [infoA, infoB] = [tempDir(), tempDir()];
  await trainModel(options(TINY_MODELS.transformer, a, { runInfoDir: infoA }));
  await trainModel(options(TINY_MODELS.transformer, b, { runInfoDir: infoB }));
  await trainModel(options(TINY_MODELS.transformer, c, { seed: 8 }));
  assert.ok(weightBytes(a).equals(weightBytes(b)));
  assert.ok(weightBytes(a, 'checkpoint').equals(weightBytes(b, 'checkpoint')));
  assert.ok(!weightBytes(a).equals(weightBytes(c)));

  // Checkpoints, state and reports included: every file of the second run has the first one's bytes.
  const [treeA, treeB] = [readTree(a), readTree(b)];
  assert.deepEqual([...treeB.keys()], [...treeA.keys()]);
  assert.ok(treeA.has('checkpoint/meta.json') && treeA.has('last/state.json') && treeA.has('report.json'));
  for (const [file, bytes] of treeA) assert.ok(bytes.equals(treeB.get(file)!), `${file} differs between two identical trainings`);

  const timing = JSON.parse(readFileSync(join(infoB, 'timing.json'), 'utf8')) as TrainingTiming;
  assert.deepEqual(timing.epochs.map((e) => e.epoch), [1, 2]);
  assert.ok(timing.epochs.every((e) => e.durationMs >= 0) && timing.tokensPerSecond > 0);
  assert.equal(timing.checkpoints['last']?.epoch, 2);
  assert.ok(!Number.isNaN(Date.parse(timing.checkpoints['checkpoint']?.savedAt ?? '')));
  assert.ok(timing.finishedAt !== undefined && timing.finishedAt >= timing.startedAt);
});

test('an interrupted run resumes from last/ to the same bytes as an uninterrupted one', async () => {
  const full = tempDir();
  const result = await trainModel(options(TINY_MODELS.bilstm, full));
  assert.equal(result.history.length, 2);
  for (const file of ['weights.bin', 'weights.json', 'vocab.json', 'labels.json', 'config.json', 'meta.json']) {
    assert.ok(existsSync(join(result.checkpointDir, file)), file);
  }
  for (const file of ['report.json', 'summary.txt', 'loss.svg', 'metrics.svg']) assert.ok(existsSync(join(full, file)), file);

  const interrupted = tempDir();
  const controller = new AbortController();
  await assert.rejects(
    trainModel(options(TINY_MODELS.bilstm, interrupted, { signal: controller.signal, onEpoch: () => (controller.abort(), 'continue') })),
    { name: 'AbortError' },
  );
  assert.equal(JSON.parse(readFileSync(join(interrupted, 'last', 'state.json'), 'utf8')).epoch, 1);
  const logs: string[] = [];
  const resumed = await trainModel(options(TINY_MODELS.bilstm, interrupted, { log: (m) => logs.push(m) }));
  assert.ok(logs.some((m) => m.includes('resuming')), logs.join('\n'));
  assert.equal(resumed.history.length, 2);
  assert.ok(weightBytes(full).equals(weightBytes(interrupted)));
  assert.deepEqual(resumed.history.map((r) => r.trainLoss), result.history.map((r) => r.trainLoss));
});

test('with a resume directory, an attempt whose outputs were moved aside resumes, and the outputs match a run without one', async () => {
  const full = tempDir();
  await trainModel(options(TINY_MODELS.bilstm, full));

  const [resumeDir, firstOut, secondOut] = [tempDir(), tempDir(), tempDir()];
  const controller = new AbortController();
  await assert.rejects(
    trainModel(options(TINY_MODELS.bilstm, firstOut, { resumeDir, signal: controller.signal, onEpoch: () => (controller.abort(), 'continue') })),
    { name: 'AbortError' },
  );
  assert.equal(existsSync(join(firstOut, 'last')), false, 'last/ is kept in the resume directory while training');
  assert.equal(JSON.parse(readFileSync(join(resumeDir, 'last', 'state.json'), 'utf8')).epoch, 1);

  // The engine moved the failed attempt's outputs aside: the next one starts with an empty outDir.
  const logs: string[] = [];
  await trainModel(options(TINY_MODELS.bilstm, secondOut, { resumeDir, log: (m) => logs.push(m) }));
  assert.ok(logs.some((m) => m.startsWith(`resuming from ${join(resumeDir, 'last')} after epoch 1`)), logs.join('\n'));
  const [expected, actual] = [readTree(full), readTree(secondOut)];
  assert.deepEqual([...actual.keys()], [...expected.keys()]);
  for (const [file, bytes] of expected) assert.ok(bytes.equals(actual.get(file)!), `${file} differs from the uninterrupted run's`);
});

test('a kill in the middle of a checkpoint swap keeps the last complete checkpoint, and resume ends as an uninterrupted run', async () => {
  // A learning rate too small to change any score: epoch 1 stays the best, so checkpoint/ is never rewritten.
  const hyper = { ...TINY_HYPER, learningRate: 1e-12, warmupRatio: 0 };
  const full = tempDir();
  await trainModel(options(TINY_MODELS.bilstm, full, { hyper }));
  const interrupted = tempDir();
  const controller = new AbortController();
  await assert.rejects(
    trainModel(options(TINY_MODELS.bilstm, interrupted, { hyper, signal: controller.signal, onEpoch: () => (controller.abort(), 'continue') })),
    { name: 'AbortError' },
  );
  // Killed after moving the old directories aside, before moving the new, half-written ones in.
  for (const name of ['checkpoint', 'last']) {
    renameSync(join(interrupted, name), join(interrupted, `${name}.previous`));
    mkdirSync(join(interrupted, `${name}.partial`));
    writeFileSync(join(interrupted, `${name}.partial`, 'weights.json'), '{"trunc');
  }
  const logs: string[] = [];
  const resumed = await trainModel(options(TINY_MODELS.bilstm, interrupted, { hyper, log: (m) => logs.push(m) }));
  assert.ok(logs.some((m) => m.includes('resuming')), logs.join('\n'));
  assert.equal(resumed.bestEpoch, 1);
  assert.deepEqual(readdirSync(interrupted).sort(), readdirSync(full).sort());
  const [treeFull, treeResumed] = [readTree(full), readTree(interrupted)];
  assert.deepEqual([...treeResumed.keys()], [...treeFull.keys()]);
  for (const [file, bytes] of treeFull) assert.ok(bytes.equals(treeResumed.get(file)!), `${file} differs from the uninterrupted run`);
});

test('onEpoch can stop training, and patience stops without improvement', async () => {
  const stopped = await trainModel(options(TINY_MODELS.bilstm, tempDir(), { hyper: { ...TINY_HYPER, epochs: 3 }, onEpoch: () => 'stop' }));
  assert.equal(stopped.history.length, 1);
  assert.equal(stopped.stoppedEarly, true);
  const patient = await trainModel(options(TINY_MODELS.bilstm, tempDir(), { hyper: { ...TINY_HYPER, epochs: 4, learningRate: 0, patience: 1 } }));
  assert.equal(patient.history.length, 2);
  assert.equal(patient.bestEpoch, 1);
});

test('patience stops a run only while it has epochs left', async () => {
  // A learning rate too small to move any score: no epoch after the first improves.
  const still = { ...TINY_HYPER, learningRate: 1e-12, warmupRatio: 0, epochs: 3 };
  const stopped = tempDir();
  const early = await trainModel(options(TINY_MODELS.bilstm, stopped, { hyper: { ...still, patience: 1 } }));
  assert.equal(early.history.length, 2);
  assert.match(readFileSync(join(stopped, 'summary.txt'), 'utf8'), /stop: patience/);
  const completed = tempDir();
  const full = await trainModel(options(TINY_MODELS.bilstm, completed, { hyper: { ...still, patience: 2 } }));
  assert.equal(full.history.length, 3);
  assert.match(readFileSync(join(completed, 'summary.txt'), 'utf8'), /stop: completed/);
});
