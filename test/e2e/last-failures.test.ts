import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const pipeline = (bad: string) => `stages:\n  bad: {cmd: "${bad}", outs: [b.txt]}\n  fine: {cmd: echo x > x.txt, outs: [x.txt]}\n`;

test('status says which stale stages failed last time and why, until they succeed', async () => {
  const project = await tempProject({ 'pipeline.yaml': pipeline('echo boom; exit 3') });
  try {
    assert.equal((await runCli(project.root, ['run', '-k'])).exitCode, 1);
    const text = await runCli(project.root, ['status']);
    assert.match(text.stdout, /^bad: never run \(failed last time: command failed with exit code 3: echo boom; exit 3; "dagmake logs bad"\)$/m);
    const rows = JSON.parse((await runCli(project.root, ['status', '--json'])).stdout) as { stage: string; lastFailure?: string }[];
    assert.equal(rows.find((r) => r.stage === 'bad')?.lastFailure, 'command failed with exit code 3: echo boom; exit 3');
    assert.equal(rows.find((r) => r.stage === 'fine')?.lastFailure, undefined);

    // A run that does not select it keeps the record; the run where it succeeds clears it.
    assert.equal((await runCli(project.root, ['run', 'fine'])).exitCode, 0);
    assert.match((await runCli(project.root, ['status'])).stdout, /failed last time/);
    await project.write('pipeline.yaml', pipeline('echo b > b.txt'));
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    assert.match((await runCli(project.root, ['status'])).stdout, /^everything is up to date \(2 stages\)$/m);
    await project.write('pipeline.yaml', pipeline('echo c > b.txt'));
    assert.doesNotMatch((await runCli(project.root, ['status'])).stdout, /failed last time/);
  } finally {
    await project.dispose();
  }
});

test('run --dry says which stages it would run again failed last time, as status does', async () => {
  const project = await tempProject({ 'pipeline.yaml': pipeline('echo boom; exit 3') });
  try {
    assert.equal((await runCli(project.root, ['run', '-k'])).exitCode, 1);
    const dry = await runCli(project.root, ['run', '--dry']);
    assert.match(dry.stdout, /^would run bad: never run \(failed last time: command failed with exit code 3: echo boom; exit 3; "dagmake logs bad"\)$/m);
    assert.doesNotMatch(dry.stdout, /^up to date fine.*failed/m);
    const plan = (await runCli(project.root, ['run', '--dry', '--json'])).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { stage: string; lastFailure?: string });
    assert.equal(plan.find((p) => p.stage === 'bad')?.lastFailure, 'command failed with exit code 3: echo boom; exit 3');
    assert.equal(plan.find((p) => p.stage === 'fine')?.lastFailure, undefined);
  } finally {
    await project.dispose();
  }
});
