import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DagEvent } from '../../src/events.js';
import { createPlainReporter, describeSummary } from '../../src/reporters/plain.js';
import { captureStream, failedRun, progressFlood, successfulEnd, successfulRun } from './scripted-events.js';

async function runPlain(events: readonly DagEvent[], env: NodeJS.ProcessEnv = {}, color = false) {
  const stream = captureStream();
  const reporter = createPlainReporter({ stream, color, env });
  events.forEach((event) => reporter.onEvent(event));
  await reporter.close();
  return stream;
}

test('prints one stable line per meaningful event', async () => {
  const out = await runPlain([...successfulRun, ...successfulEnd]);
  assert.deepEqual(out.lines(), [
    'dagmake: 3 stages, 2 jobs',
    '· prepare up to date',
    '↺ featurize restored (saved 1m30s)',
    '▶ train (params config/train.yaml:final.epochs 5 → 10)',
    '  [train] loading data',
    '  train 3/10 epoch · training fast · ETA 7s',
    '  train › trials 7/20 · best macro-F1 0.83',
    '  [train] epoch 3 done',
    '✔ train ran 12.3s',
    '  metrics: val_f1=0.81',
    '1 ran · 1 restored · 1 up to date · 0 failed · 0 skipped in 14.2s (saved ~2m10s by restoring from cache and skipping up-to-date stages)',
  ]);
});

test('a failure shows its last 20 lines, the log path and the skipped stages', async () => {
  const lines = (await runPlain(failedRun)).lines();
  const failedAt = lines.indexOf('✖ train failed: command failed (exit code 1)');
  assert.ok(failedAt > 0, lines.join('\n'));
  const tail = lines.slice(failedAt + 1, failedAt + 21);
  assert.deepEqual(tail, Array.from({ length: 20 }, (_, i) => `    trace line ${i + 6}`));
  assert.equal(lines[failedAt + 21], '  log: .dagmake/logs/train.log');
  assert.equal(lines[failedAt + 22], '  skipped because train failed: eval, export');
  assert.equal(lines.at(-1), '0 ran · 0 restored · 0 up to date · 1 failed · 2 skipped in 0.6s');
});

test('skipped stages are still reported when the run ends without a summary', async () => {
  const lines = (await runPlain(failedRun.slice(0, -1))).lines();
  assert.equal(lines.at(-1), '  skipped because train failed: eval, export');
});

test('under GitHub Actions each stage output is grouped and printed when the stage ends', async () => {
  const lines = (await runPlain([...successfulRun, ...successfulEnd], { GITHUB_ACTIONS: 'true' })).lines();
  assert.ok(!lines.some((line) => line.includes('[train]')));
  const groupAt = lines.indexOf('::group::train');
  assert.equal(lines[groupAt - 2], '✔ train ran 12.3s');
  assert.deepEqual(lines.slice(groupAt, groupAt + 4), ['::group::train', 'loading data', 'epoch 3 done', '::endgroup::']);
});

test('progress floods are throttled to a handful of lines', async () => {
  const lines = (await runPlain(progressFlood())).lines();
  const progressLines = lines.filter((line) => line.startsWith('  train '));
  assert.ok(progressLines.length <= 12, `${progressLines.length} progress lines`);
  assert.equal(progressLines[0], '  train 1/10000 step · ETA 10s');
  assert.equal(progressLines.at(-1), '  train 10000/10000 step');
});

test('progress without a total prints at most once per 5 s of event time', async () => {
  const events: DagEvent[] = [
    { type: 'stage-start', time: 0, stage: 's', reasons: [] },
    ...Array.from({ length: 300 }, (_, i): DagEvent => ({ type: 'stage-progress', time: i * 100, stage: 's', current: i })),
  ];
  const lines = (await runPlain(events)).lines().filter((line) => line.startsWith('  s '));
  assert.deepEqual(lines, ['  s 0', '  s 50', '  s 100', '  s 150', '  s 200', '  s 250']);
});

test('watch cycles print a separator and diagnostics print each message', async () => {
  const lines = (
    await runPlain([
      { type: 'watch-cycle', time: 0, phase: 'start', cycle: 2, changed: ['data/raw.csv'], watchedFiles: 12 },
      { type: 'diagnostics', time: 1, messages: ['pipeline.yaml:3:5 error: unknown key', 'second'] },
      { type: 'watch-cycle', time: 2, phase: 'idle', cycle: 2, changed: [], watchedFiles: 12 },
      { type: 'warning', time: 3, message: 'slow disk', stage: 'train' },
    ])
  ).lines();
  assert.deepEqual(lines, [
    '',
    '── cycle 2 · 1 changed: data/raw.csv ──',
    'pipeline.yaml:3:5 error: unknown key',
    'second',
    '── watching 12 files for changes (Ctrl-C to stop) ──',
    '',
    '⚠ train: slow disk',
  ]);
});

const restartedRun: DagEvent[] = [
  { type: 'run-start', time: 0, stages: ['slow'], jobs: 1 },
  { type: 'stage-start', time: 0, stage: 'slow', reasons: [{ kind: 'never-run' }] },
  { type: 'stage', time: 1200, stage: 'slow', status: 'cancelled', reason: [], durationMs: 1200, restarted: true, logFile: '.dagmake/logs/slow.log' },
  { type: 'stage-start', time: 1300, stage: 'slow', reasons: [{ kind: 'never-run' }] },
];

test('a stage restarted because its inputs changed says so, not that it was cancelled', async () => {
  const lines = (await runPlain([...restartedRun, { type: 'stage', time: 3000, stage: 'slow', status: 'ran', reason: [], durationMs: 1700 }])).lines();
  assert.deepEqual(lines.slice(1, 5), [
    '▶ slow (never run)',
    '↻ slow restarted after 1.2s: its inputs changed while it ran',
    '▶ slow (never run)',
    '✔ slow ran 1.7s',
  ]);
});

test('colors only when asked', async () => {
  const event: DagEvent = { type: 'stage', time: 0, stage: 'a', status: 'ran', reason: [], durationMs: 1 };
  assert.match((await runPlain([event], {}, true)).text(), /\u001B\[32m✔/);
  assert.doesNotMatch((await runPlain([event], {}, false)).text(), /\u001B/);
});

test('counts of one are singular', async () => {
  const lines = (
    await runPlain([
      { type: 'run-start', time: 0, stages: ['only'], jobs: 1 },
      { type: 'watch-cycle', time: 1, phase: 'idle', cycle: 1, changed: [], watchedFiles: 1 },
    ])
  ).lines();
  assert.deepEqual(lines.slice(0, 2), ['dagmake: 1 stage, 1 job', '── watching 1 file for changes (Ctrl-C to stop) ──']);
});

test('time saved is credited to the cache only when something was restored', () => {
  const summary = { type: 'summary', time: 0, ran: 1, restored: 0, upToDate: 2, failed: 0, skipped: 0, cancelled: 0, durationMs: 500, savedMs: 6300 } as const;
  const noPaint = (_: unknown, text: string) => text;
  assert.equal(describeSummary(summary, noPaint), '1 ran · 0 restored · 2 up to date · 0 failed · 0 skipped in 0.5s (saved ~6.3s by skipping up-to-date stages)');
  assert.match(describeSummary({ ...summary, restored: 1, upToDate: 0 }, noPaint), /\(saved ~6\.3s by restoring from cache\)$/);
  assert.match(describeSummary({ ...summary, savedMs: 0 }, noPaint), /in 0\.5s$/);
});

test('stops writing once its stream is no longer writable (the reader went away)', async () => {
  const stream = Object.assign(captureStream(), { writable: false });
  const reporter = createPlainReporter({ stream, color: false });
  [...successfulRun, ...successfulEnd].forEach((event) => reporter.onEvent(event));
  await reporter.close();
  assert.equal(stream.text(), '');
});

test('a cancelled stage says how it was stopped and where its partial outputs went', async () => {
  const failure = { message: 'command was killed with SIGKILL: sleep 30 (partial outputs moved to .dagmake/failed/train/)', signal: 'SIGKILL' };
  const lines = (
    await runPlain([
      { type: 'run-start', time: 0, stages: ['train'], jobs: 1 },
      { type: 'stage-start', time: 0, stage: 'train', reasons: [] },
      { type: 'stage', time: 1500, stage: 'train', status: 'cancelled', reason: [], durationMs: 1500, failure },
    ])
  ).lines();
  assert.ok(
    lines.some((line) => line.startsWith('⊘ train cancelled after 1.5s: ') && line.endsWith('(partial outputs moved to .dagmake/failed/train/)')),
    lines.join('\n'),
  );
});
