import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { DagEvent } from '../../src/events.js';
import { parseEvents, runCli, spawnCli, stagesWithStatus, statuses } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

/** When the stage's process held its CPU slots: from stage-start to stage-exit. */
const interval = (events: DagEvent[], stage: string) => {
  const start = events.find((e) => e.type === 'stage-start' && e.stage === stage)!.time;
  const end = events.find((e) => e.type === 'stage-exit' && e.stage === stage)!.time;
  assert.ok(events.find((e) => e.type === 'stage' && e.stage === stage)!.time >= end, 'a stage ends after its process');
  return { start, end };
};

describe('scheduling', () => {
  test('-j 2 overlaps independent stages; -j 1 does not', async () => {
    const project = await tempProject({
      'pipeline.yaml': `
stages:
  a: {cmd: sleep 0.6 && echo a > a.txt, outs: [a.txt]}
  b: {cmd: sleep 0.6 && echo b > b.txt, outs: [b.txt]}
`,
    });
    try {
      const parallel = await runCli(project.root, ['run', '--json', '-j', '2']);
      const a = interval(parallel.events, 'a');
      const b = interval(parallel.events, 'b');
      assert.ok(a.start < b.end && b.start < a.end, 'with -j 2 the two stages run at the same time');
      const serial = await runCli(project.root, ['run', '--json', '-j', '1', '--force', '--no-run-cache']);
      const a1 = interval(serial.events, 'a');
      const b1 = interval(serial.events, 'b');
      assert.ok(a1.end <= b1.start || b1.end <= a1.start, 'with -j 1 they never overlap');
      // A stage's duration is its own: the one that waited for the slot does not count the wait.
      for (const stage of ['a', 'b']) {
        const start = serial.events.find((e) => e.type === 'stage-start' && e.stage === stage)!;
        const end = serial.events.find((e) => e.type === 'stage' && e.stage === stage)!;
        assert.ok(end.type === 'stage' && end.durationMs <= end.time - start.time + 50, `${stage} durationMs counts only its own run`);
      }
    } finally {
      await project.dispose();
    }
  });

  test('a named mutex keeps two stages apart even with free slots', async () => {
    const project = await tempProject({
      'pipeline.yaml': `
stages:
  a: {cmd: sleep 0.4 && echo a > a.txt, outs: [a.txt], resources: {mutex: gpu}}
  b: {cmd: sleep 0.4 && echo b > b.txt, outs: [b.txt], resources: {mutex: gpu}}
`,
    });
    try {
      const result = await runCli(project.root, ['run', '--json', '-j', '4']);
      const a = interval(result.events, 'a');
      const b = interval(result.events, 'b');
      assert.ok(a.end <= b.start || b.end <= a.start);
    } finally {
      await project.dispose();
    }
  });

  const failing = `
stages:
  bad: {cmd: sleep 0.2 && echo boom >&2 && exit 3, outs: [bad.txt]}
  after_bad: {cmd: cp bad.txt after.txt, deps: [bad.txt], outs: [after.txt]}
  slow_sibling: {cmd: sleep 0.8 && echo ok > sibling.txt, outs: [sibling.txt]}
  later: {cmd: echo later > later.txt, deps: [sibling.txt], outs: [later.txt]}
`;

  test('fail-fast: running siblings finish, nothing new starts, the failure is reported with its output', async () => {
    const project = await tempProject({ 'pipeline.yaml': failing });
    try {
      const result = await runCli(project.root, ['run', '--json', '-j', '2']);
      assert.equal(result.exitCode, 1);
      const s = statuses(result.events);
      assert.equal(s.bad, 'failed');
      assert.equal(s.slow_sibling, 'ran');
      assert.equal(s.after_bad, 'skipped');
      assert.equal(s.later, 'skipped');
      const failed = result.events.find((e) => e.type === 'stage' && e.stage === 'bad');
      assert.equal(failed?.type === 'stage' && failed.failure?.exitCode, 3);
      assert.deepEqual(failed?.type === 'stage' && failed.failure?.tail, ['boom']);
      assert.equal(failed?.type === 'stage' && failed.logFile, '.dagmake/logs/bad.log');
      const skipped = result.events.find((e) => e.type === 'stage' && e.stage === 'after_bad');
      assert.deepEqual(skipped?.type === 'stage' && skipped.skippedBecause, ['bad']);
      // later does not depend on bad: it was not started because the run stopped.
      const notStarted = result.events.find((e) => e.type === 'stage' && e.stage === 'later');
      assert.equal(notStarted?.type === 'stage' && notStarted.skippedAfterStop, 'failure');
      assert.deepEqual(notStarted?.type === 'stage' && notStarted.skippedBecause, ['bad']);
    } finally {
      await project.dispose();
    }
  });

  test('fail-fast: the slots a failed stage frees go to no waiting stage', async () => {
    // x1 and x2 wait for a slot while bad and slow hold both; bad's exit must stop the run first.
    const project = await tempProject({
      'pipeline.yaml': 'stages:\n  bad: {cmd: exit 3}\n  slow: {cmd: sleep 1}\n  x1: {cmd: echo x1}\n  x2: {cmd: echo x2}\n',
    });
    try {
      const result = await runCli(project.root, ['run', '--json', '-j', '2']);
      assert.equal(result.exitCode, 1);
      const started = result.events.filter((e) => e.type === 'stage-start').map((e) => e.type === 'stage-start' && e.stage);
      assert.deepEqual(started.sort(), ['bad', 'slow']);
      assert.deepEqual(statuses(result.events), { bad: 'failed', slow: 'ran', x1: 'skipped', x2: 'skipped' });
    } finally {
      await project.dispose();
    }
  });

  test('--keep-going runs everything that does not depend on the failure', async () => {
    const project = await tempProject({ 'pipeline.yaml': failing });
    try {
      const result = await runCli(project.root, ['run', '--json', '-j', '2', '--keep-going']);
      assert.equal(result.exitCode, 1);
      assert.deepEqual(stagesWithStatus(result.events, 'ran'), ['later', 'slow_sibling']);
      assert.deepEqual(stagesWithStatus(result.events, 'skipped'), ['after_bad']);
    } finally {
      await project.dispose();
    }
  });

  test('--keep-going fails the run when the last stages left are skipped after a failure', async () => {
    const project = await tempProject({
      'pipeline.yaml': `
stages:
  bad: {cmd: exit 1, outs: [b.txt]}
  after: {cmd: cp b.txt c.txt, deps: [b.txt], outs: [c.txt]}
`,
    });
    try {
      const result = await runCli(project.root, ['run', '--json', '--keep-going']);
      assert.equal(result.exitCode, 1);
      assert.deepEqual(stagesWithStatus(result.events, 'failed'), ['bad']);
      assert.deepEqual(stagesWithStatus(result.events, 'skipped'), ['after']);
      assert.ok(result.events.some((e) => e.type === 'summary'), 'the run ends with its summary');
      const skipped = result.events.find((e) => e.type === 'stage' && e.stage === 'after');
      assert.ok(skipped?.type === 'stage' && skipped.skippedAfterStop === undefined, 'after is skipped for its own upstream');
    } finally {
      await project.dispose();
    }
  });

  test('Ctrl-C cancels the running stage, leaves no partial output, exits 130', async () => {
    const project = await tempProject({
      'pipeline.yaml': `
stages:
  long:
    cmd: echo partial > out.txt && echo started && sleep 30 && echo done >> out.txt
    outs: [out.txt]
`,
    });
    try {
      const child = spawnCli(project.root, ['run', '--json']);
      let output = '';
      await new Promise<void>((resolve) => {
        child.stdout!.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('"line":"started"')) resolve();
        });
      });
      child.kill('SIGINT');
      const result = await child;
      assert.equal(result.exitCode, 130);
      const events = parseEvents(String(result.stdout));
      assert.equal(statuses(events).long, 'cancelled');
      await assert.rejects(project.read('out.txt'), 'no partial output left in place');
      assert.equal(await project.read('.dagmake/failed/long/out.txt'), 'partial\n');
      const status = await runCli(project.root, ['status', '--json']);
      assert.equal((JSON.parse(status.stdout) as { state: string }[])[0]?.state, 'stale');
    } finally {
      await project.dispose();
    }
  });
});
