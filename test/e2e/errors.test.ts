import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

async function runWith(pipeline: string, files: Record<string, string> = {}, args = ['run']) {
  const project = await tempProject({ 'pipeline.yaml': pipeline, ...files });
  try {
    return await runCli(project.root, args);
  } finally {
    await project.dispose();
  }
}

describe('bad input exits 2 with a located message', () => {
  test('unknown key, with a suggestion', async () => {
    const result = await runWith('stages:\n  a:\n    cmd: echo\n    dpes: [x]\n');
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /pipeline\.yaml:4:5 error: unknown key "dpes"/);
    assert.match(result.stderr, /did you mean "deps"\?/);
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/);
  });

  test('YAML syntax error', async () => {
    const result = await runWith('stages:\n  a:\n    cmd: [echo\n');
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /pipeline\.yaml:\d+:\d+ error:/);
  });

  test('a cycle prints its path', async () => {
    const result = await runWith(
      'stages:\n  a:\n    cmd: cp b.txt a.txt\n    deps: [b.txt]\n    outs: [a.txt]\n  b:\n    cmd: cp a.txt b.txt\n    deps: [a.txt]\n    outs: [b.txt]\n',
    );
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /dependency cycle: (a → b → a|b → a → b)/);
  });

  test('a dep that nothing produces and does not exist names the stage', async () => {
    const result = await runWith('stages:\n  a:\n    cmd: cat missing.txt\n    deps: [missing.txt]\n');
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /pipeline\.yaml:4:\d+ error: dep "missing.txt" of stage "a" does not exist/);
  });

  test('unknown target', async () => {
    const result = await runWith('stages:\n  prepare:\n    cmd: echo\n', {}, ['run', 'prepre']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /unknown stage "prepre"/);
    assert.match(result.stderr, /did you mean "prepare"/);
  });

  test('unknown flag', async () => {
    const result = await runWith('stages:\n  a:\n    cmd: echo\n', {}, ['run', '--frobnicate']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /frobnicate/);
  });

  test('a stage that exits 0 without its declared out fails naming the path', async () => {
    const result = await runWith('stages:\n  a:\n    cmd: "true"\n    outs: [never.txt]\n', {}, ['run']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stdout + result.stderr, /never\.txt/);
  });
});
