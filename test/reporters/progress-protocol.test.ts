import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseProtocolLine, throttleProgress } from '../../src/progress-protocol.js';

test('parses progress lines; msg takes the rest of the line', () => {
  assert.deepEqual(parseProtocolLine('::dagmake progress current=3 total=10 unit=epoch msg=training fast'), {
    type: 'progress',
    current: 3,
    total: 10,
    unit: 'epoch',
    message: 'training fast',
  });
  assert.deepEqual(parseProtocolLine('  ::dagmake   progress   current=1   task=trial_3  msg= a=b  c  \r'), {
    type: 'progress',
    current: 1,
    task: 'trial_3',
    message: 'a=b  c',
  });
  assert.deepEqual(parseProtocolLine('::dagmake progress current=0.5'), { type: 'progress', current: 0.5 });
});

test('parses metric lines', () => {
  assert.deepEqual(parseProtocolLine('::dagmake metric name=val_f1 value=0.81 step=3'), {
    type: 'metric',
    name: 'val_f1',
    value: 0.81,
    step: 3,
  });
  assert.deepEqual(parseProtocolLine('::dagmake metric value=-1e-3 name=loss'), { type: 'metric', name: 'loss', value: -0.001 });
});

test('rejects anything that is not a valid protocol line', () => {
  for (const line of [
    'epoch 3/10',
    '::dagmake',
    '::dagmake progressive current=1',
    '::dagmake progress total=10',
    '::dagmake progress current=abc',
    '::dagmake progress current=3 total=',
    '::dagmake progress current=3 total=1x',
    '::dagmake progress current=-1',
    '::dagmake progress current=NaN',
    '::dagmake progress current=3 junk',
    '::dagmake metric name=f1',
    '::dagmake metric name=f1 value=Infinity',
    '::dagmake metric name=f1 value=1 step=x',
    'echo ::dagmake progress current=1',
  ]) {
    assert.equal(parseProtocolLine(line), undefined, line);
  }
});

test('throttle passes one update per interval per key and keeps the latest for flush', () => {
  let clock = 0;
  const gate = throttleProgress<number>({ intervalMs: 50, now: () => clock });
  const passed: number[] = [];
  for (let i = 1; i <= 1000; i++) {
    clock = i; // 1 ms apart
    const out = gate.offer('train', i);
    if (out !== undefined) passed.push(out);
  }
  assert.equal(passed[0], 1);
  assert.ok(passed.length <= 1000 / 50 + 1, `passed ${passed.length}`);
  assert.ok(passed.length >= 1000 / 50 - 1, `passed ${passed.length}`);
  assert.equal(gate.flush('train'), 1000);
  assert.equal(gate.flush('train'), undefined);
});

test('throttle keys are independent and final updates always pass', () => {
  const gate = throttleProgress<string>({ intervalMs: 50, now: () => 0 });
  assert.equal(gate.offer('a', 'a1'), 'a1');
  assert.equal(gate.offer('b', 'b1'), 'b1');
  assert.equal(gate.offer('a', 'a2'), undefined);
  assert.equal(gate.offer('a', 'a3', true), 'a3');
  assert.equal(gate.flush('a'), undefined);
});
