// A disk with no room left (here a file size limit of 0, which refuses every write the way a full
// disk does) must not leave an empty lock behind, nor end in an internal error, when a run or gc
// takes its lock: the command says what it could not write and what to do.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { execa } from 'execa';
import { cliPath, runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

/** The CLI with every write refused (SIGXFSZ ignored, so a write fails with EFBIG instead of killing it). */
async function withoutRoom(root: string, args: readonly string[]) {
  const result = await execa('bash', ['-c', 'trap "" XFSZ; ulimit -f 0; exec "$@"', 'bash', process.execPath, cliPath, ...args], {
    cwd: root,
    reject: false,
    env: { CI: 'true', NO_COLOR: '1' },
    stdin: 'ignore',
  });
  return { exitCode: result.exitCode, stderr: String(result.stderr) };
}

test('run and gc that cannot write their locks say so with a hint and leave no lock behind', async () => {
  const project = await tempProject({ 'pipeline.yaml': 'stages:\n  b: {cmd: echo b > b.txt, outs: [b.txt]}\n' });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    const run = await withoutRoom(project.root, ['run', '--force']);
    assert.equal(run.exitCode, 2, run.stderr);
    assert.match(run.stderr, /error: cannot create .*\.dagmake\/run\.lock: EFBIG: file too large/);
    assert.match(run.stderr, /hint: free space on the disk that holds the project/);
    assert.doesNotMatch(run.stderr, /Internal error/);
    assert.equal(existsSync(path.join(project.root, '.dagmake', 'run.lock')), false, 'no empty lock left');

    const gc = await withoutRoom(project.root, ['gc']);
    assert.equal(gc.exitCode, 2, gc.stderr);
    assert.match(gc.stderr, /error: cannot lock the cache: EFBIG: file too large/);
    assert.match(gc.stderr, /hint: free space on the disk that holds the cache/);
    assert.doesNotMatch(gc.stderr, /Internal error/);
    assert.equal(existsSync(path.join(project.root, 'cache', 'locks', 'exclusive.lock')), false, 'no empty lock left');

    assert.equal((await runCli(project.root, ['run', '--force', '--no-wait'])).exitCode, 0, 'nothing holds the project or the cache');
  } finally {
    await project.dispose();
  }
});
