import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { readLock, writeLock } from '../../src/lock/lock-file.js';
import { parseLock } from '../../src/lock/lock-yaml.js';
import type { LockFile } from '../../src/lock/types.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const H1 = 'a1'.repeat(32);
const H2 = 'b2'.repeat(32);
const lock: LockFile = {
  schema: 1,
  stages: { s: { definition: H1, deps: [], params: {}, outs: [{ path: 's.out', hash: H2, size: 2 }] } },
};

/** The lock's text with its `definition` line in conflict, as git leaves it after a merge. */
function conflicted(text: string, base = false): string {
  const lines = text.split('\n');
  const at = lines.findIndex((l) => l.includes('definition: '));
  const ours = lines[at]!;
  const theirs = ours.replace(H1, H2);
  const middle = base ? ['||||||| merged common ancestors', ours.replace(H1, 'c3'.repeat(32))] : [];
  lines.splice(at, 1, '<<<<<<< HEAD', ours, ...middle, '=======', theirs, '>>>>>>> other-branch');
  return lines.join('\n');
}

describe('a lock with an unresolved merge conflict', () => {
  test('is one error at the first marker, saying so, with what to do', async () => {
    const project = await tempProject();
    try {
      await writeLock(project.root, lock);
      const text = conflicted(await project.read('dagmake.lock'));
      const result = parseLock(text);
      assert.ok(!result.ok);
      assert.equal(result.error.length, 1);
      const [error] = result.error;
      assert.equal(error!.message, 'dagmake.lock has an unresolved merge conflict (git conflict markers)');
      assert.deepEqual(error!.location, { file: 'dagmake.lock', line: text.split('\n').indexOf('<<<<<<< HEAD') + 1, col: 1 });
      assert.match(error!.hint ?? '', /git checkout --ours dagmake\.lock/);
      assert.match(error!.hint ?? '', /--theirs/);
      assert.match(error!.hint ?? '', /"dagmake run" brings the lock up to date/);
      assert.match(error!.hint ?? '', /delete the conflicting stage entries/);

      await project.write('dagmake.lock', text);
      assert.deepEqual(await readLock(project.root), result);
    } finally {
      await project.dispose();
    }
  });

  test('names the pipeline file to run for the lock of another pipeline, and finds diff3 markers too', async () => {
    const project = await tempProject();
    try {
      await writeLock(project.root, lock, 'pipeline.wnut17.dagmake.lock');
      const text = conflicted(await project.read('pipeline.wnut17.dagmake.lock'), true);
      const result = parseLock(text, 'pipeline.wnut17.dagmake.lock');
      assert.ok(!result.ok);
      assert.equal(result.error.length, 1);
      assert.match(result.error[0]!.message, /^pipeline\.wnut17\.dagmake\.lock has an unresolved merge conflict/);
      assert.match(result.error[0]!.hint ?? '', /git checkout --ours pipeline\.wnut17\.dagmake\.lock/);
      assert.match(result.error[0]!.hint ?? '', /"dagmake run -f pipeline\.wnut17\.yaml"/);
      // Only the markers of the first conflict count: one without `<<<<<<<` is still a conflict.
      const tail = text.split('\n').filter((l) => !l.startsWith('<<<<<<<')).join('\n');
      const fromMiddle = parseLock(tail, 'pipeline.wnut17.dagmake.lock');
      assert.deepEqual(!fromMiddle.ok && fromMiddle.error[0]!.location?.line, tail.split('\n').findIndex((l) => l.startsWith('|||||||')) + 1);
    } finally {
      await project.dispose();
    }
  });

  test('marker-like text that is not at the start of a line is no conflict', () => {
    const text = `schema: 1\nstages:\n  s:\n    definition: ${H1}\n    deps: []\n    params: {p.yaml: {sep: "=======", tag: " <<<<<<< x"}}\n    outs: []\n`;
    assert.equal(parseLock(text).ok, true);
  });

  test('dagmake status reports the one error and exits 2', async () => {
    const project = await tempProject({ 'pipeline.yaml': 'stages:\n  s: {cmd: echo 1 > s.out, outs: [s.out]}\n' });
    try {
      const run = await runCli(project.root, ['run']);
      assert.equal(run.exitCode, 0, run.stderr);
      await project.write('dagmake.lock', conflicted(await project.read('dagmake.lock')));
      const status = await runCli(project.root, ['status']);
      assert.equal(status.exitCode, 2, status.stderr);
      const errors = status.stderr.split('\n').filter((l) => l.includes('error:'));
      assert.deepEqual(errors, ['dagmake.lock:4:1 error: dagmake.lock has an unresolved merge conflict (git conflict markers)']);
      assert.equal(status.stderr.match(/hint:/g)?.length, 1);
    } finally {
      await project.dispose();
    }
  });
});

describe('a lock that is invalid YAML in several places', () => {
  test('says the hint once, after the first error', () => {
    const result = parseLock('schema: 1\nstages:\n  s:\n    definition: [\n  t: x: y\n  "u\n');
    assert.ok(!result.ok);
    assert.ok(result.error.length > 1, `several errors: ${JSON.stringify(result.error)}`);
    assert.match(result.error[0]!.hint ?? '', /delete dagmake\.lock to rebuild it/);
    assert.deepEqual(result.error.slice(1).filter((e) => e.hint !== undefined), []);
  });

  test('says the schema hint once for several invalid fields', () => {
    const result = parseLock(`schema: 1\nstages:\n  s:\n    definition: 5\n    deps: 7\n    params: {}\n    outs: x\n`);
    assert.ok(!result.ok);
    assert.ok(result.error.length > 1, `several errors: ${JSON.stringify(result.error)}`);
    assert.ok(result.error[0]!.hint);
    assert.deepEqual(result.error.slice(1).filter((e) => e.hint !== undefined), []);
  });
});
