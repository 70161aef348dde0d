// The file system can refuse what committing or clearing outs needs: a cache that cannot be
// written, a read-only directory holding an out. The stage fails saying what could not be written
// and what to do, and what it wrote goes to .dagmake/failed/ as with any failed commit.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmod, chown, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { describe, test, type TestContext } from 'node:test';
import { execa } from 'execa';
import { cliPath, runCli, stagesWithStatus, type CliResult } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const COPY = 'stages:\n  b: {cmd: cp in.txt b.txt, deps: [in.txt], outs: [b.txt]}\n';
const CACHE_HINT = /hint: make cache\/ writable \(it may be a link to a writable directory elsewhere\), or mark the out "cache: false"/;

async function inProject(files: Record<string, string>, check: (project: TempProject) => Promise<void>): Promise<void> {
  const project = await tempProject(files);
  try {
    await check(project);
  } finally {
    for (const dir of ['cache', 'ro']) await chmodTree(path.join(project.root, dir), 0o755).catch(() => undefined);
    await project.dispose();
  }
}

describe('a cache that refuses a write', () => {
  test('a cache that cannot even be opened stops the run before any stage, saying what is in the way', async () => {
    await inProject({ 'pipeline.yaml': COPY, 'in.txt': 'hi\n', 'cache/tmp': 'not a folder\n' }, async (project) => {
      const result = await runCli(project.root, ['run']);
      assert.equal(result.exitCode, 2, result.stdout + result.stderr);
      assert.match(result.stderr, /error: cannot use the cache: cannot write cache\/tmp \(EEXIST: file already exists\)/);
      assert.match(result.stderr, /hint: cache and its folders \(objects, runs, memo, tmp\) must be writable directories: remove what is in the way, or set DAGMAKE_CACHE_DIR/);
      assert.doesNotMatch(result.stderr, /Internal error/);
      assert.equal(await project.read('b.txt').catch(() => 'absent'), 'absent');
    });
  });

  test('cache/tmp not a directory: the stage fails naming the file and a hint, its output moves to .dagmake/failed', async () => {
    // The stage itself breaks the cache after the run has opened it: the write of its output is
    // the first to fail, the same path a read-only cache/ takes (ENOTDIR instead of EACCES).
    const pipeline = 'stages:\n  b: {cmd: "cp in.txt b.txt && rm -rf cache/tmp && touch cache/tmp", deps: [in.txt], outs: [b.txt]}\n';
    await inProject({ 'pipeline.yaml': pipeline, 'in.txt': 'hi\n' }, async (project) => {
      const result = await runCli(project.root, ['run']);
      assert.equal(result.exitCode, 1, result.stdout + result.stderr);
      const output = result.stdout + result.stderr;
      assert.match(
        output,
        /b failed: stage finished but out "b\.txt" could not be stored in the cache: cannot write cache\/tmp\/[^ ]+\.obj \(ENOTDIR: not a directory\) \(what it wrote moved to \.dagmake\/failed\/b\/\); /,
      );
      assert.match(output, CACHE_HINT);
      assert.doesNotMatch(output, /lstat/, 'the failed cleanup does not hide the failed write');
      await assert.rejects(stat(path.join(project.root, 'b.txt')), 'the new output is not left in the workspace');
      assert.equal(await project.read('.dagmake/failed/b/b.txt'), 'hi\n');

      const status = await runCli(project.root, ['status']);
      assert.doesNotMatch(status.stdout, /differs from the lock/);
      assert.match(status.stdout, /b: never run/);

      await rm(path.join(project.root, 'cache/tmp'));
      await project.write('pipeline.yaml', COPY);
      assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    });
  });

  test('a run-cache entry that cannot be written is a warning: the stage ran and is recorded', async () => {
    await inProject({ 'pipeline.yaml': 'stages:\n  b: {cmd: echo same > b.txt, deps: [in.txt], outs: [b.txt]}\n', 'in.txt': '1\n' }, async (project) => {
      assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
      // The output is already in the cache, so only the run-cache entry is written.
      await project.write('in.txt', '2\n');
      await project.write('pipeline.yaml', 'stages:\n  b: {cmd: "echo same > b.txt && rm -rf cache/runs && touch cache/runs", deps: [in.txt], outs: [b.txt]}\n');
      const result = await runCli(project.root, ['run']);
      assert.equal(result.exitCode, 0, result.stdout + result.stderr);
      assert.match(result.stdout + result.stderr, /b: could not write its run-cache entry: cannot write cache\/runs\/[0-9a-f]{2}\.jsonl \(ENOTDIR: not a directory\); /);
      assert.match(result.stdout, /1 ran/);
      assert.match((await runCli(project.root, ['status'])).stdout, /everything is up to date/);
    });
  });

  test('a read-only cache/ (as an unprivileged user)', async (t) => {
    const as = await unprivileged(t);
    if (as === undefined) return;
    await inProject({ 'pipeline.yaml': COPY, 'in.txt': 'hi\n' }, async (project) => {
      await as.own(project.root);
      assert.equal((await as.run(project.root, ['run'])).exitCode, 0);
      await project.write('in.txt', 'changed\n');
      await as.readOnly(path.join(project.root, 'cache'));
      const result = await as.run(project.root, ['run']);
      assert.equal(result.exitCode, 1);
      assert.match(result.stdout + result.stderr, /b failed: stage finished but out "b\.txt" could not be stored in the cache: cannot write cache\/tmp\/[^ ]+\.obj \(EACCES: permission denied\)/);
      assert.match(result.stdout + result.stderr, CACHE_HINT);
      assert.equal(await project.read('.dagmake/failed/b/b.txt'), 'changed\n');
      assert.doesNotMatch((await as.run(project.root, ['status'])).stdout, /differs from the lock/);
    });
  });
});

describe('a project that cannot be written', () => {
  test('status, run --dry and explain still read it (as an unprivileged user)', async (t) => {
    const as = await unprivileged(t);
    if (as === undefined) return;
    await inProject({ 'pipeline.yaml': COPY, 'in.txt': 'hi\n' }, async (project) => {
      await as.own(project.root);
      assert.equal((await as.run(project.root, ['run'])).exitCode, 0);
      await project.write('in.txt', 'changed\n');
      await as.readOnly(project.root);
      try {
        for (const args of [['status'], ['run', '--dry'], ['explain', 'b']]) {
          const result = await as.run(project.root, args);
          assert.equal(result.exitCode, 0, `${args.join(' ')}: ${result.stderr}`);
          assert.match(result.stdout, /dep in\.txt changed/, args.join(' '));
        }
      } finally {
        await chmodTree(project.root, 0o755);
      }
    });
  });
});

describe('an out the file system will not let go of', () => {
  test('an existing out in a read-only directory (as an unprivileged user)', async (t) => {
    const as = await unprivileged(t);
    if (as === undefined) return;
    const pipeline = 'stages:\n  b: {cmd: cp in.txt ro/b.txt, deps: [in.txt], outs: [ro/b.txt]}\n';
    await inProject({ 'pipeline.yaml': pipeline, 'in.txt': 'hi\n', 'ro/b.txt': 'made by hand\n' }, async (project) => {
      await as.own(project.root);
      await as.readOnly(path.join(project.root, 'ro'));
      const aside = await as.run(project.root, ['run']);
      assert.equal(aside.exitCode, 1);
      assert.match(
        aside.stdout + aside.stderr,
        /b failed: cannot move out "ro\/b\.txt" aside to \.dagmake\/replaced\/b\/ro\/b\.txt \(EACCES: permission denied\); hint: .*the directory "ro" and \.dagmake\/ must be writable/,
      );

      await chmodTree(path.join(project.root, 'ro'), 0o755);
      await project.write('ro/b.txt', 'hi\n');
      await as.own(project.root);
      assert.equal((await as.run(project.root, ['run'])).exitCode, 0);
      await project.write('in.txt', 'changed\n');
      await as.readOnly(path.join(project.root, 'ro'));
      const clear = await as.run(project.root, ['run']);
      assert.equal(clear.exitCode, 1);
      assert.match(
        clear.stdout + clear.stderr,
        /b failed: cannot remove out "ro\/b\.txt" before its stage runs \(EACCES: permission denied\); hint: .*the directory "ro" must be writable/,
      );
    });
  });

  test('moving an unknown out aside fails with what was tried and a hint (.dagmake/replaced not a directory)', async () => {
    await inProject({ 'pipeline.yaml': COPY, 'in.txt': 'hi\n', 'b.txt': 'made by hand\n', '.dagmake/replaced': 'not a directory\n' }, async (project) => {
      const result = await runCli(project.root, ['run']);
      assert.equal(result.exitCode, 1);
      assert.match(
        result.stdout + result.stderr,
        /b failed: cannot move out "b\.txt" aside to \.dagmake\/replaced\/b\/b\.txt \(ENOTDIR: not a directory\); hint: a file stands where a directory is needed \(under \.dagmake\/\): move it away, or declare the out elsewhere/,
      );
      assert.equal(await project.read('b.txt'), 'made by hand\n', 'nothing was lost');
    });
  });

  test('an out whose directory cannot be made fails with what was tried (a file in its place)', async () => {
    await inProject({ 'pipeline.yaml': 'stages:\n  b: {cmd: cp in.txt sub/b.txt, deps: [in.txt], outs: [sub/b.txt]}\n', 'in.txt': 'hi\n', sub: 'a file\n' }, async (project) => {
      const result = await runCli(project.root, ['run']);
      assert.equal(result.exitCode, 1);
      assert.match(
        result.stdout + result.stderr,
        /b failed: cannot create the directory of out "sub\/b\.txt" \(EEXIST: file already exists\); hint: a file stands where a directory is needed \("sub" or above\): move it away, or declare the out elsewhere/,
      );
    });
  });
});

interface Unprivileged {
  own(root: string): Promise<void>;
  readOnly(dir: string): Promise<void>;
  run(root: string, args: readonly string[]): Promise<CliResult>;
}

const NOBODY = 65534;

/**
 * Runs the CLI where permission bits apply: as this user when it is not root, else as nobody
 * through setpriv; skips the test (saying why) when neither is possible.
 */
async function unprivileged(t: TestContext): Promise<Unprivileged | undefined> {
  const readOnly = async (dir: string) => {
    if (process.getuid?.() === 0) await chownTree(dir, 0);
    await chmodTree(dir, 0o555);
  };
  if (process.getuid?.() !== 0) {
    return { own: async () => undefined, readOnly, run: (root, args) => runCli(root, args) };
  }
  const probe = spawnSync('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', process.execPath, cliPath, '--version']);
  if (probe.status !== 0) {
    t.skip('running as root, where permission bits do not stop writes, and setpriv cannot run the CLI as nobody');
    return undefined;
  }
  return {
    own: (root) => chownTree(root, NOBODY),
    readOnly,
    async run(root, args) {
      const result = await execa('setpriv', ['--reuid', String(NOBODY), '--regid', String(NOBODY), '--clear-groups', process.execPath, cliPath, ...args], {
        cwd: root,
        reject: false,
        env: { CI: 'true', NO_COLOR: '1' },
        stdin: 'ignore',
      });
      return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), events: [] };
    },
  };
}

/** Entries first when taking write permission away, the directory first when giving it back. */
async function chmodTree(dir: string, mode: number): Promise<void> {
  if (mode & 0o200) await chmod(dir, mode);
  for (const entry of await readdir(dir, { recursive: true })) await chmod(path.join(dir, entry), mode);
  if (!(mode & 0o200)) await chmod(dir, mode);
}

async function chownTree(dir: string, uid: number): Promise<void> {
  await chown(dir, uid, uid);
  for (const entry of await readdir(dir, { recursive: true })) await chown(path.join(dir, entry), uid, uid);
}

test('a lock that cannot be written ends the run with what to do, and the next run keeps what finished', async () => {
  // The stage puts a directory where the lock goes, as a full disk or a read-only project would
  // refuse the write: only the lock's rewrite at the end of the run fails.
  const project = await tempProject({
    'pipeline.yaml': 'stages:\n  b: {cmd: cp in.txt b.txt && mkdir dagmake.lock, deps: [in.txt], outs: [b.txt]}\n',
    'in.txt': 'hi\n',
  });
  try {
    const failed = await runCli(project.root, ['run']);
    assert.equal(failed.exitCode, 2, failed.stdout + failed.stderr);
    assert.doesNotMatch(failed.stderr, /Internal error/);
    assert.match(failed.stderr, /error: cannot write dagmake\.lock \(EISDIR: illegal operation on a directory\)/);
    assert.match(failed.stderr, /hint: free disk space or make the project writable, then run again: the stages this run finished are kept in \.dagmake\/journal\.ndjson/);
    await rm(path.join(project.root, 'dagmake.lock'), { recursive: true });
    const again = await runCli(project.root, ['run', '--json']);
    assert.equal(again.exitCode, 0, again.stderr);
    assert.deepEqual(stagesWithStatus(again.events, 'ran'), []);
    assert.match(await project.read('dagmake.lock'), /b\.txt/);
  } finally {
    await project.dispose();
  }
});
