// Commands started in a subdirectory of a project find its pipeline.yaml above, as git finds its
// repository; a git repository's top ends the search.
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

test('run and status work from a subdirectory of the project', async () => {
  const project = await tempProject({ 'pipeline.yaml': 'stages:\n  make: {cmd: echo hi > out/x.txt, outs: [out/x.txt]}\n', 'src/deep/keep.txt': '' });
  try {
    const deep = path.join(project.root, 'src/deep');
    const run = await runCli(deep, ['run']);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.equal(await project.read('out/x.txt'), 'hi\n', 'the stage ran in the project root');
    const status = await runCli(deep, ['status']);
    assert.match(status.stdout, /everything is up to date \(1 stage\)/);
  } finally {
    await project.dispose();
  }
});

test('the search stops at the top of a git repository', async () => {
  const project = await tempProject({ 'pipeline.yaml': 'stages: {}\n', 'repo/sub/keep.txt': '' });
  try {
    await mkdir(path.join(project.root, 'repo/.git'));
    const result = await runCli(path.join(project.root, 'repo/sub'), ['status']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /pipeline file "pipeline.yaml" not found/);
  } finally {
    await project.dispose();
  }
});
