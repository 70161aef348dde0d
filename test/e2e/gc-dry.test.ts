// `gc --dry` only looks: it creates no cache and sweeps nothing; `gc` does both.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

test('gc --dry changes nothing in the cache; gc sweeps what a dead process left', async () => {
  const project = await tempProject({ 'pipeline.yaml': 'stages:\n  make: {cmd: echo x > x.txt, outs: [x.txt]}\n' });
  try {
    const before = await runCli(project.root, ['gc', '--dry']);
    assert.equal(before.exitCode, 0, before.stderr);
    assert.match(before.stdout, /^would remove 0 objects/);
    assert.equal(existsSync(path.join(project.root, 'cache')), false, 'no cache is created by a dry run');

    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    // A temp file of a process that no longer runs (pid 999999999 cannot exist).
    await project.write('cache/tmp/999999999-0a.obj', 'partial');
    await project.write('x.txt', 'edited\n');
    assert.equal((await runCli(project.root, ['run', '--force'])).exitCode, 0);
    await project.write('cache/tmp/999999999-0b.obj', 'partial');
    const dry = await runCli(project.root, ['gc', '--dry']);
    assert.match(dry.stdout, /^would remove 0 objects/, 'the lock still records the rerun output');
    assert.ok(existsSync(path.join(project.root, 'cache/tmp/999999999-0b.obj')), 'a dry run sweeps nothing');
    const real = await runCli(project.root, ['gc']);
    assert.equal(real.exitCode, 0, real.stderr);
    assert.equal(existsSync(path.join(project.root, 'cache/tmp/999999999-0b.obj')), false);
  } finally {
    await project.dispose();
  }
});
