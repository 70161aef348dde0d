import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  describeFailure,
  describeReason,
  describeReasons,
  describeSkipped,
  formatDuration,
  formatEta,
} from '../../src/reporters/describe-reason.js';

test('describes every stale reason in words', () => {
  assert.equal(
    describeReason({ kind: 'param-changed', file: 'config/train.yaml', key: 'final.epochs', old: 5, new: 10 }),
    'params config/train.yaml:final.epochs 5 → 10',
  );
  assert.equal(
    describeReason({ kind: 'dep-changed', path: 'data/raw', files: ['a.csv', 'b.csv', 'c.csv'] }),
    'dep data/raw changed (3 files: a.csv, b.csv, +1)',
  );
  assert.equal(describeReason({ kind: 'dep-changed', path: 'data/x.csv', old: 'a', new: 'b' }), 'dep data/x.csv changed');
  assert.equal(describeReason({ kind: 'dep-changed', path: 'd', files: ['only.csv'] }), 'dep d changed (1 file: only.csv)');
  assert.equal(describeReason({ kind: 'never-run' }), 'never run');
  assert.equal(describeReason({ kind: 'definition-changed', old: 'a', new: 'b' }), 'definition changed');
  assert.equal(describeReason({ kind: 'out-missing', path: 'outputs/x.json' }), 'out outputs/x.json missing');
  assert.equal(
    describeReason({ kind: 'out-changed', path: 'outputs/x.json', old: 'a', new: 'b' }),
    'out outputs/x.json differs from the lock',
  );
  assert.equal(describeReason({ kind: 'forced' }), 'forced');
  assert.equal(describeReason({ kind: 'always-changed' }), 'always changed');
  assert.equal(describeReason({ kind: 'dep-missing', path: 'x' }), 'dep x missing');
});

test('param values: strings bare, objects as JSON, missing as (unset)', () => {
  assert.equal(
    describeReason({ kind: 'param-changed', file: 'p.yaml', key: 'model', old: undefined, new: { lr: 0.1 } }),
    'params p.yaml:model (unset) → {"lr":0.1}',
  );
  assert.equal(describeReason({ kind: 'param-changed', file: 'p.yaml', key: 'm', old: 'cnn', new: 'rnn' }), 'params p.yaml:m cnn → rnn');
});

test('joins reasons and caps long lists', () => {
  assert.equal(describeReasons([]), '');
  assert.equal(
    describeReasons([{ kind: 'forced' }, { kind: 'never-run' }, { kind: 'dep-missing', path: 'x' }]),
    'forced; never run; +1 more',
  );
});

test('formats durations and estimates', () => {
  assert.equal(formatDuration(1234), '1.2s');
  assert.equal(formatDuration(12_300), '12.3s');
  assert.equal(formatDuration(184_000), '3m04s');
  assert.equal(formatDuration(3_720_000), '1h02m');
  assert.equal(formatDuration(-5), '0.0s');
  assert.equal(formatEta(44_100), '45s');
  assert.equal(formatEta(61_000), '1m');
  assert.equal(formatEta(3_900_000), '1h05m');
});

test('describes failures with exit code or signal', () => {
  assert.equal(describeFailure({ message: '', exitCode: 1 }), 'exit code 1');
  assert.equal(describeFailure({ message: 'command failed', exitCode: 2 }), 'command failed (exit code 2)');
  assert.equal(describeFailure({ message: 'failed with exit code 3', exitCode: 3 }), 'failed with exit code 3');
  assert.equal(describeFailure({ message: 'stopped', signal: 'SIGKILL' }), 'stopped (killed by SIGKILL)');
  assert.equal(describeFailure(undefined), 'failed');
});

test('groups skipped stages by their cause', () => {
  const lines = describeSkipped(
    [
      { stage: 'eval', because: ['train'] },
      { stage: 'export', because: ['train'] },
      { stage: 'report', because: ['lint'] },
    ],
    (stage) => (stage === 'lint' ? 'cancelled' : 'failed'),
  );
  assert.deepEqual(lines, ['skipped because train failed: eval, export', 'skipped because lint was cancelled: report']);
});

test('stages never started because the run stopped say so, apart from upstream failures', () => {
  const lines = describeSkipped(
    [
      { stage: 'after', because: ['noout'] },
      { stage: 'partial', because: ['noout'], afterStop: 'failure' },
      { stage: 'last', because: [], afterStop: 'cancel' },
    ],
    () => 'failed',
  );
  assert.deepEqual(lines, [
    'skipped because noout failed: after',
    'not started because the run stopped after noout failed (-k runs what does not depend on it): partial',
    'not started because the run was cancelled: last',
  ]);
});
