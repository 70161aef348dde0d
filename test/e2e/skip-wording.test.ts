import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DagEvent } from '../../src/events.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

// indep waits for bad's slot (-j 1), so the failure stops the run before it starts.
const pipeline = `
stages:
  bad: {cmd: exit 1, outs: [b.out]}
  after: {cmd: cat b.out > a.out, deps: [b.out], outs: [a.out]}
  after2: {cmd: cat a.out > c.out, deps: [a.out], outs: [c.out]}
  indep: {cmd: echo i > i.out, outs: [i.out]}
  indep2: {cmd: cat i.out > j.out, deps: [i.out], outs: [j.out]}
`;

const skipOf = (events: readonly DagEvent[], stage: string) => {
  const event = events.find((e) => e.type === 'stage' && e.stage === stage);
  assert.ok(event?.type === 'stage' && event.status === 'skipped', `${stage} is skipped`);
  return { because: event.skippedBecause, afterStop: event.skippedAfterStop };
};

describe('fail-fast: what was left after a failure', () => {
  test('stages that need the failed stage are skipped because of it, as with -k', async () => {
    const project = await tempProject({ 'pipeline.yaml': pipeline });
    try {
      const json = await runCli(project.root, ['run', '--json', '-j', '1']);
      assert.equal(json.exitCode, 1);
      assert.deepEqual(skipOf(json.events, 'after'), { because: ['bad'], afterStop: undefined });
      assert.deepEqual(skipOf(json.events, 'after2'), { because: ['after'], afterStop: undefined });
      // Neither needs bad: only the stop held them back.
      assert.deepEqual(skipOf(json.events, 'indep'), { because: ['bad'], afterStop: 'failure' });
      assert.deepEqual(skipOf(json.events, 'indep2'), { because: ['bad'], afterStop: 'failure' });

      const plain = await runCli(project.root, ['run', '-j', '1', '--reporter', 'plain']);
      const lines = plain.stdout.split('\n').filter((l) => /^  (skipped|not started)/.test(l));
      assert.deepEqual(
        lines,
        [
          '  skipped because bad failed: after, after2',
          '  not started because the run stopped after bad failed (-k runs what does not depend on it): indep, indep2',
        ],
        plain.stdout,
      );

      const keepGoing = await runCli(project.root, ['run', '-k', '-j', '1', '--reporter', 'plain']);
      assert.deepEqual(
        keepGoing.stdout.split('\n').filter((l) => /^  (skipped|not started)/.test(l)),
        ['  skipped because bad failed: after, after2'],
        `${keepGoing.stdout}\n${keepGoing.stderr}`,
      );
    } finally {
      await project.dispose();
    }
  });
});
