import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeSkipped } from '../../src/reporters/describe-reason.js';

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
