import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli, statuses } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

// `use` reads a params file that `gen` writes; neither lists it under deps.
const pipeline = (lr: number) =>
  'stages:\n' +
  `  gen: {cmd: "echo 'lr: ${lr}' > p.yaml", outs: [p.yaml]}\n` +
  '  use:\n    cmd: cat p.yaml > u.txt\n    params: [{p.yaml: [lr]}]\n    outs: [u.txt]\n';

test('a params file written by another stage orders the stages, and status and --dry wait for it', async () => {
  const project = await tempProject({ 'pipeline.yaml': pipeline(1) });
  try {
    const status = await runCli(project.root, ['status']);
    assert.equal(status.exitCode, 0, status.stderr);
    assert.match(status.stdout, /use: params file p\.yaml not written yet by gen/);
    const dry = await runCli(project.root, ['run', '--dry', '--json']);
    assert.equal(dry.exitCode, 0, dry.stderr);
    const plan = dry.stdout.trim().split('\n').map((line) => JSON.parse(line) as { stage: string; action: string; upstream?: string[] });
    const use = plan.find((p) => p.stage === 'use');
    assert.equal(use?.action, 'run');
    assert.deepEqual(use?.upstream, ['gen']);

    // -j 2 would start both at once if the params file did not order them.
    const first = await runCli(project.root, ['run', '-j', '2', '--json']);
    assert.equal(first.exitCode, 0, first.stdout + first.stderr);
    assert.deepEqual(statuses(first.events), { gen: 'ran', use: 'ran' });
    assert.equal(await project.read('u.txt'), 'lr: 1\n');

    await project.write('pipeline.yaml', pipeline(2));
    const second = await runCli(project.root, ['run', '--json']);
    assert.deepEqual(statuses(second.events), { gen: 'ran', use: 'ran' });
    assert.equal(await project.read('u.txt'), 'lr: 2\n');
  } finally {
    await project.dispose();
  }
});
