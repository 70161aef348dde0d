// Every command that opens the cache says what is in the way of one it cannot use, the way a run
// does, instead of failing with an internal error.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const HINT = /hint: cache and its folders \(objects, runs, memo, tmp\) must be writable directories: remove what is in the way, or set DAGMAKE_CACHE_DIR/;

test('gc, cache verify and run --dry with a file where the cache belongs', async () => {
  const project = await tempProject({ 'pipeline.yaml': 'stages:\n  b: {cmd: echo b > b.txt, outs: [b.txt]}\n', cache: 'not a folder\n' });
  try {
    for (const args of [['gc'], ['cache', 'verify']]) {
      const result = await runCli(project.root, args);
      assert.equal(result.exitCode, 2, `${args.join(' ')}: ${result.stdout}${result.stderr}`);
      assert.match(result.stderr, /error: cannot use the cache: cannot write cache\/objects \(ENOTDIR: not a directory\)/, args.join(' '));
      assert.match(result.stderr, HINT, args.join(' '));
      assert.doesNotMatch(result.stderr, /Internal error/, args.join(' '));
    }
    const dry = await runCli(project.root, ['run', '--dry']);
    assert.equal(dry.exitCode, 0, dry.stderr);
    assert.match(dry.stdout, /would run b: never run/);
    assert.equal(await project.read('cache'), 'not a folder\n', 'nothing touched it');
  } finally {
    await project.dispose();
  }
});
