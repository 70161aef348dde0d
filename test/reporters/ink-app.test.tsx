import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { cleanup, render } from 'ink-testing-library';
import type { DagEvent } from '../../src/events.js';
import { App } from '../../src/reporters/ink/App.js';
import { createInkStore } from '../../src/reporters/ink/store.js';
import { failedRun, successfulEnd, successfulRun } from './scripted-events.js';

afterEach(() => cleanup());

const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Polls until the frame satisfies `check` (React commits input-driven updates asynchronously). */
async function waitForFrame(frame: () => string, check: (text: string) => boolean): Promise<string> {
  for (let attempt = 0; attempt < 200 && !check(frame()); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return frame();
}

async function renderEvents(events: readonly DagEvent[], options: { columns?: number; rows?: number; clock?: number } = {}) {
  const store = createInkStore();
  const cancels: boolean[] = [];
  const app = render(
    <App
      store={store}
      color={false}
      animate={false}
      clock={() => options.clock ?? 7000}
      columns={options.columns ?? 100}
      {...(options.rows !== undefined && { rows: options.rows })}
      onCancel={(force) => cancels.push(force)}
    />,
  );
  const feed = async (more: readonly DagEvent[]) => {
    more.forEach((event) => store.dispatch(event));
    store.flush();
    await settle();
  };
  await feed(events);
  return { app, store, cancels, feed, frame: () => app.lastFrame() ?? '' };
}

test('shows cached stages, the running stage with progress, sub-task, logs and footer', async () => {
  const { frame } = await renderEvents(successfulRun);
  const lines = frame().split('\n');
  assert.equal(lines[0], '· prepare up to date');
  assert.equal(lines[1], '↺ featurize restored · saved 1m30s');
  assert.match(lines[2] ?? '', /^. train 6\.0s · params config\/train\.yaml:final\.epochs 5 → 10$/);
  assert.equal(lines[3], '  ██████░░░░░░░░░░░░░░ 3/10 epoch · 30.0 epoch/min · ETA 14s · training fast');
  assert.equal(lines[4], '  ↳ trials 7/20 · best macro-F1 0.83');
  assert.equal(lines[5], '  │ loading data');
  assert.equal(lines[6], '  │ epoch 3 done');
  assert.equal(lines[7], '▸ 2/3 done · 0 ran · 1 restored · 1 up to date · 7.0s · saved ~2m10s  q cancel · l logs');
});

test('finished stages stay printed above and the summary replaces the footer', async () => {
  const { frame, feed } = await renderEvents(successfulRun);
  await feed(successfulEnd);
  const lines = frame().split('\n');
  assert.ok(lines.includes('✔ train ran 12.3s · params config/train.yaml:final.epochs 5 → 10'), frame());
  assert.equal(lines.filter((line) => line.includes('prepare up to date')).length, 1);
  const summary = '1 ran · 1 restored · 1 up to date · 0 failed · 0 skipped in 14.2s (saved ~2m10s by restoring from cache and skipping up-to-date stages)';
  assert.ok(frame().replace(/ *\n/g, ' ').includes(summary), 'the summary wraps rather than being cut');
  assert.ok(!frame().includes('▸'), 'footer is gone');
  assert.ok(!frame().includes('⠋'), 'no spinner');
});

test('a failure shows the exit code, the last lines, the log path and the skipped stages', async () => {
  const { frame } = await renderEvents(failedRun);
  const lines = frame().split('\n');
  const at = lines.indexOf('✖ train failed: command failed (exit code 1)');
  assert.ok(at >= 0, frame());
  assert.equal(lines[at + 1], '    trace line 6');
  assert.equal(lines[at + 20], '    trace line 25');
  assert.equal(lines[at + 21], '  log: .dagmake/logs/train.log');
  assert.equal(lines[at + 22], '  skipped because train failed: eval, export');
});

test('skipped stages show below the running area until the next event', async () => {
  const { frame } = await renderEvents(failedRun.slice(0, -1));
  assert.match(frame(), /skipped because train failed: eval, export\n▸ 3\/3 done/);
});

test('stays within 80 columns by truncating long lines', async () => {
  const long = 'x'.repeat(200);
  const { frame } = await renderEvents(
    [
      { type: 'run-start', time: 0, stages: ['train'], jobs: 1 },
      { type: 'stage-start', time: 0, stage: 'train', reasons: [{ kind: 'dep-changed', path: `data/${long}` }] },
      { type: 'stage-log', time: 1, stage: 'train', stream: 'stdout', line: long },
      { type: 'stage-progress', time: 2, stage: 'train', current: 1, total: 4, message: long },
    ],
    { columns: 80 },
  );
  const lines = frame().split('\n');
  assert.ok(lines.length >= 4);
  for (const line of lines) assert.ok(line.length <= 80, `${line.length}: ${line}`);
  assert.ok(lines.some((line) => line.endsWith('…')));
});

test('l toggles the log lines; q cancels, a second q forces', async () => {
  const { app, frame, cancels } = await renderEvents(successfulRun);
  await waitForFrame(frame, () => app.stdin.listenerCount('readable') > 0);
  app.stdin.write('l');
  assert.ok(!(await waitForFrame(frame, (text) => !text.includes('│'))).includes('│ loading data'));
  app.stdin.write('l');
  assert.ok((await waitForFrame(frame, (text) => text.includes('│'))).includes('│ loading data'));
  app.stdin.write('q');
  assert.match(await waitForFrame(frame, (text) => text.includes('cancelling')), /cancelling… press q again to stop at once/);
  app.stdin.write('\u0003');
  await waitForFrame(frame, (text) => text.includes('stopping at once'));
  assert.deepEqual(cancels, [false, true]);
});

test('without an override, lines fit the terminal width Ink reports', async () => {
  const store = createInkStore();
  const app = render(<App store={store} color={false} animate={false} clock={() => 10} />);
  store.dispatch({ type: 'stage-start', time: 0, stage: 'train', reasons: [] });
  store.dispatch({ type: 'stage-log', time: 1, stage: 'train', stream: 'stdout', line: 'y'.repeat(300) });
  store.flush();
  const frame = await waitForFrame(() => app.lastFrame() ?? '', (text) => text.includes('yyy'));
  const widths = frame.split('\n').map((line) => line.length);
  assert.equal(Math.max(...widths), app.stdout.columns, frame);
});

test('a finished stage shows the metrics it reported, as the plain reporter does', async () => {
  const { frame } = await renderEvents([
    { type: 'run-start', time: 0, stages: ['train'], jobs: 1 },
    { type: 'stage-start', time: 1, stage: 'train', reasons: [{ kind: 'never-run' }] },
    { type: 'stage-metric', time: 2, stage: 'train', name: 'acc', value: 0.9 },
    { type: 'stage', time: 5, stage: 'train', status: 'ran', reason: [], durationMs: 2100 },
  ]);
  assert.match(frame(), /✔ train ran 2\.1s · never run\n {2}metrics: acc=0\.9/);
});

test('a watch cycle that stops before its run starts shows no footer of the last run', async () => {
  const { frame, feed } = await renderEvents([...successfulRun, ...successfulEnd]);
  await feed([
    { type: 'watch-cycle', time: 20_000, phase: 'start', cycle: 2, changed: ['pipeline.yaml'], watchedFiles: 3 },
    { type: 'diagnostics', time: 20_100, messages: ['pipeline.yaml:4:12 error: dep "x" of stage "a" does not exist and no stage produces it'] },
    { type: 'watch-cycle', time: 20_200, phase: 'end', cycle: 2, changed: ['pipeline.yaml'], watchedFiles: 3 },
    { type: 'watch-cycle', time: 20_200, phase: 'idle', cycle: 2, changed: [], watchedFiles: 3 },
  ]);
  assert.match(frame(), /── watching 3 files for changes/);
  assert.ok(!frame().includes('▸'), frame());
});

test('the live area stays shorter than the terminal: fewer log lines first, then fewer stages', async () => {
  const stages = Array.from({ length: 8 }, (_, i) => `s${i + 1}`);
  const events: DagEvent[] = [{ type: 'run-start', time: 0, stages, jobs: 8 }];
  for (const stage of stages) {
    events.push({ type: 'stage-start', time: 1, stage, reasons: [] });
    for (let n = 1; n <= 10; n++) events.push({ type: 'stage-log', time: 2, stage, stream: 'stdout', line: `${stage} line ${n}` });
  }
  const roomy = await renderEvents(events, { rows: 40 });
  const lines = roomy.frame().split('\n');
  // Below the rows Ink takes for the whole screen (clearing the scrollback on every frame).
  assert.ok(lines.length < 40, roomy.frame());
  assert.ok(lines.includes('  │ s8 line 10'), roomy.frame());
  assert.ok(!lines.includes('  │ s8 line 6'), roomy.frame());
  cleanup();
  const small = await renderEvents(events, { rows: 6 });
  assert.deepEqual(small.frame().split('\n').slice(-2), ['  … 5 more running', '▸ 0/8 done · 0 ran · 7.0s  q cancel · l logs']);
  assert.equal(small.frame().split('\n').length, 5, small.frame());
});

test('a long watch session keeps only what is not yet printed, and prints every line once', async () => {
  const { store, feed, frame } = await renderEvents([]);
  const cycles = 300;
  let mostKept = 0;
  for (let cycle = 1; cycle <= cycles; cycle++) {
    const t = cycle * 1000;
    await feed([
      { type: 'watch-cycle', time: t, phase: 'start', cycle, changed: [`data/${cycle}.csv`], watchedFiles: 3 },
      { type: 'run-start', time: t, stages: ['prepare', 'train'], jobs: 1 },
      { type: 'stage', time: t + 1, stage: 'prepare', status: 'up-to-date', reason: [], durationMs: 0 },
      { type: 'stage-start', time: t + 2, stage: 'train', reasons: [] },
      { type: 'stage-log', time: t + 3, stage: 'train', stream: 'stdout', line: `epoch of cycle ${cycle}` },
      { type: 'stage', time: t + 4, stage: 'train', status: 'ran', reason: [], durationMs: 2 },
      { type: 'summary', time: t + 5, ran: 1, restored: 0, upToDate: 1, failed: 0, skipped: 0, cancelled: 0, durationMs: 5, savedMs: 0 },
      { type: 'watch-cycle', time: t + 6, phase: 'end', cycle, changed: [`data/${cycle}.csv`], watchedFiles: 3 },
      { type: 'watch-cycle', time: t + 6, phase: 'idle', cycle, changed: [], watchedFiles: 3 },
    ]);
    mostKept = Math.max(mostKept, store.getSnapshot().finished.length);
  }
  // Each cycle appends five entries; none of them outlives the frame that printed it.
  assert.ok(mostKept <= 5, `kept ${mostKept} finished entries`);
  assert.equal(store.getSnapshot().written, cycles * 5);
  const printed = frame().split('\n');
  for (const cycle of [1, 2, cycles / 2, cycles]) {
    assert.equal(printed.filter((line) => line.startsWith(`── cycle ${cycle} · `)).length, 1, `cycle ${cycle}`);
  }
  assert.equal(printed.filter((line) => line.startsWith('✔ train ran ')).length, cycles);
});
