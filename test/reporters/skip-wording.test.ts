import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { DagEvent } from '../../src/events.js';
import { describeSkipped } from '../../src/reporters/describe-reason.js';
import { describePendingSkips, reduceAll } from '../../src/reporters/ink/state.js';
import { createPlainReporter } from '../../src/reporters/plain.js';
import { captureStream } from './scripted-events.js';

const failed = (stage: string) => (stage === 'bad' ? 'failed' : stage === 'lint' ? 'cancelled' : undefined);

test('a stage below a skipped stage is skipped because of the failure behind it', () => {
  const lines = describeSkipped(
    [
      { stage: 'after', because: ['bad'] },
      { stage: 'after2', because: ['after'] },
      { stage: 'joined', because: ['after', 'after2', 'lint'] },
    ],
    failed,
  );
  assert.deepEqual(lines, ['skipped because bad failed: after, after2', 'skipped because bad failed, lint was cancelled: joined']);
});

test('a stage below one held back by the stop was held back too', () => {
  const lines = describeSkipped(
    [
      { stage: 'after', because: ['bad'] },
      { stage: 'indep', because: ['bad'], afterStop: 'failure' },
      { stage: 'indep2', because: ['bad'], afterStop: 'failure' },
    ],
    failed,
  );
  assert.deepEqual(lines, [
    'skipped because bad failed: after',
    'not started because the run stopped after bad failed (-k runs what does not depend on it): indep, indep2',
  ]);
});

test('a stage skipped later, below one skipped earlier, is still skipped because of the failure behind it', async () => {
  // -k: `after` is skipped as soon as `bad` fails; `report` also waits for `ok`, so its skip comes later.
  const events: DagEvent[] = [
    { type: 'run-start', time: 0, stages: ['bad', 'ok', 'after', 'report'], jobs: 2 },
    { type: 'stage', time: 1, stage: 'bad', status: 'failed', reason: [], durationMs: 1, failure: { message: 'exit code 3' } },
    { type: 'stage', time: 1, stage: 'after', status: 'skipped', reason: [], durationMs: 0, skippedBecause: ['bad'] },
    { type: 'stage', time: 2, stage: 'ok', status: 'ran', reason: [], durationMs: 1 },
    { type: 'stage', time: 2, stage: 'report', status: 'skipped', reason: [], durationMs: 0, skippedBecause: ['after'] },
  ];
  const stream = captureStream();
  const reporter = createPlainReporter({ stream, color: false, env: {} });
  [...events, { type: 'run-start', time: 3, stages: ['x'], jobs: 1 } as DagEvent].forEach((event) => reporter.onEvent(event));
  await reporter.close();
  assert.deepEqual(
    stream.lines().filter((line) => line.includes('skipped because')),
    ['  skipped because bad failed: after', '  skipped because bad failed: report'],
  );
  const ink = reduceAll(events.slice(0, -1));
  assert.deepEqual(describePendingSkips(reduceAll(events.slice(-1), ink)), ['skipped because bad failed: report']);
});
