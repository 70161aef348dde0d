import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initialState, reduce, reduceAll } from '../../src/reporters/ink/state.js';
import { createInkStore, type Schedule } from '../../src/reporters/ink/store.js';
import { failedRun, progressFlood, successfulEnd, successfulRun } from './scripted-events.js';

test('cached stages go straight to the finished list; running stages keep progress, tasks and logs', () => {
  const state = reduceAll(successfulRun);
  assert.equal(state.totalStages, 3);
  assert.deepEqual(
    state.finished.map((item) => (item.kind === 'stage' ? `${item.stage}:${item.status}` : item.kind)),
    ['prepare:up-to-date', 'featurize:restored'],
  );
  assert.equal(state.savedMs, 130_100);
  const [train] = state.running;
  assert.equal(train?.name, 'train');
  assert.deepEqual(train?.progress, { current: 3, total: 10, unit: 'epoch', message: 'training fast' });
  assert.deepEqual(train?.tasks, [{ task: 'trials', current: 7, total: 20, message: 'best macro-F1 0.83' }]);
  assert.deepEqual(train?.tail, ['loading data', 'epoch 3 done']);
});

test('the reducer is pure', () => {
  const before = reduceAll(successfulRun);
  const snapshot = JSON.stringify(before);
  const after = reduce(before, successfulEnd[0]!);
  assert.equal(JSON.stringify(before), snapshot);
  assert.notEqual(after, before);
  assert.equal(reduce(initialState, { type: 'stage-queued', time: 0, stage: 'x' }), initialState);
});

test('finishing a stage moves it to the finished list and the summary ends the run', () => {
  const state = reduceAll([...successfulRun, ...successfulEnd]);
  assert.equal(state.running.length, 0);
  assert.equal(state.done, true);
  assert.deepEqual(state.counts, { ran: 1, restored: 1, 'up-to-date': 1, failed: 0, skipped: 0, cancelled: 0 });
  const ran = state.finished[2];
  assert.equal(ran?.kind === 'stage' && ran.reasons[0]?.kind, 'param-changed');
  assert.equal(state.finished.at(-1)?.kind, 'summary');
});

test('a failure keeps the output tail and groups the skipped stages', () => {
  const state = reduceAll(failedRun);
  const failed = state.finished[0];
  assert.ok(failed?.kind === 'stage' && failed.status === 'failed');
  assert.equal(failed.tail.length, 20);
  assert.equal(failed.tail.at(-1), 'trace line 25');
  assert.deepEqual(state.finished[1], { kind: 'skipped', lines: ['skipped because train failed: eval, export'] });
  assert.equal(state.pendingSkips.length, 0);
});

test('finished sub-tasks disappear; a new watch cycle resets the counts', () => {
  let state = reduceAll(successfulRun);
  state = reduce(state, { type: 'stage-progress', time: 5000, stage: 'train', current: 20, total: 20, task: 'trials' });
  assert.deepEqual(state.running[0]?.tasks, []);
  state = reduce(state, { type: 'watch-cycle', time: 6000, phase: 'start', cycle: 2, changed: ['a'], watchedFiles: 3 });
  assert.equal(state.counts['up-to-date'], 0);
  assert.equal(state.finished.at(-1)?.kind, 'watch');
});

test('a stage restarted because its inputs changed is not counted as done', () => {
  const state = reduceAll([
    { type: 'run-start', time: 0, stages: ['slow', 'next'], jobs: 1 },
    { type: 'stage-start', time: 0, stage: 'slow', reasons: [] },
    { type: 'stage', time: 1200, stage: 'slow', status: 'cancelled', reason: [], durationMs: 1200, restarted: true },
    { type: 'stage-start', time: 1300, stage: 'slow', reasons: [] },
  ]);
  assert.equal(state.counts.cancelled, 0);
  assert.deepEqual(state.statuses, {});
  assert.deepEqual(state.running.map((s) => s.name), ['slow']);
  assert.deepEqual(state.finished, [{ kind: 'restarted', stage: 'slow', durationMs: 1200 }]);
});

/** A scheduler driven by a fake clock: nothing runs until the test advances time. */
function fakeTimers() {
  let now = 0;
  let pending: { at: number; run: () => void } | undefined;
  const schedule: Schedule = (run, delayMs) => {
    const entry = { at: now + delayMs, run };
    pending = entry;
    return () => {
      if (pending === entry) pending = undefined;
    };
  };
  const advanceTo = (time: number) => {
    now = time;
    if (pending && pending.at <= now) {
      const { run } = pending;
      pending = undefined;
      run();
    }
  };
  return { schedule, now: () => now, advanceTo };
}

test('a flood of 10,000 progress events publishes a bounded number of renders', () => {
  const timers = fakeTimers();
  const store = createInkStore({ intervalMs: 50, now: timers.now, schedule: timers.schedule });
  let renders = 0;
  store.subscribe(() => (renders += 1));
  for (const event of progressFlood()) {
    timers.advanceTo(event.time);
    store.dispatch(event);
  }
  store.flush();
  assert.ok(renders <= 10_000 / 50 + 2, `${renders} renders`);
  assert.ok(renders >= 10_000 / 50 - 2, `${renders} renders`);
  assert.equal(store.publishCount, renders);
  assert.equal(store.getSnapshot().running[0]?.progress?.current, 10_000);
});

test('the store publishes nothing until its timer fires or it is flushed', () => {
  const timers = fakeTimers();
  const store = createInkStore({ intervalMs: 50, now: timers.now, schedule: timers.schedule });
  successfulRun.forEach((event) => store.dispatch(event));
  assert.equal(store.getSnapshot(), initialState);
  timers.advanceTo(50);
  assert.equal(store.getSnapshot().running.length, 1);
  store.flush();
  assert.equal(store.publishCount, 1);
});

test('metrics a stage reports are kept, latest value per name, with its finished line', () => {
  const state = reduceAll([
    { type: 'run-start', time: 0, stages: ['train'], jobs: 1 },
    { type: 'stage-start', time: 1, stage: 'train', reasons: [{ kind: 'never-run' }] },
    { type: 'stage-metric', time: 2, stage: 'train', name: 'loss', value: 0.9, step: 1 },
    { type: 'stage-metric', time: 3, stage: 'train', name: 'acc', value: 0.5, step: 1 },
    { type: 'stage-metric', time: 4, stage: 'train', name: 'loss', value: 0.4, step: 2 },
    { type: 'stage', time: 5, stage: 'train', status: 'ran', reason: [], durationMs: 4 },
  ]);
  const finished = state.finished[0];
  assert.deepEqual(finished?.kind === 'stage' ? [...(finished.metrics ?? [])] : undefined, [['loss', 0.4], ['acc', 0.5]]);
});
