import assert from 'node:assert/strict';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, statuses } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const pipeline = (frozen: boolean) =>
  'stages:\n' +
  `  gen: {cmd: cat in.txt > gen.out, deps: [in.txt], outs: [gen.out]${frozen ? ', frozen: true' : ''}}\n` +
  '  use: {cmd: cat gen.out > use.out, deps: [gen.out], outs: [use.out]}\n';

const planOf = async (root: string) =>
  Object.fromEntries(
    (await runCli(root, ['run', '--dry', '--json'])).stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { stage: string; action: string })
      .map((p) => [p.stage, p.action]),
  );

test('a frozen stage never runs, but its missing out is restored from the cache as recorded', async () => {
  const project = await tempProject({ 'pipeline.yaml': pipeline(false), 'in.txt': 'one\n' });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    await project.write('pipeline.yaml', pipeline(true));
    // A changed dep would rerun it if it were not frozen: the restore must bring back the recorded content.
    await project.write('in.txt', 'two\n');
    await project.remove('gen.out');
    assert.deepEqual(await planOf(project.root), { gen: 'restore', use: 'up-to-date' });
    const run = await runCli(project.root, ['run', '--json']);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual(statuses(run.events), { gen: 'restored', use: 'up-to-date' });
    assert.equal(await project.read('gen.out'), 'one\n');
  } finally {
    await project.dispose();
  }
});

test('a frozen stage whose missing out is not in the cache fails, saying how to go on', async () => {
  const project = await tempProject({ 'pipeline.yaml': pipeline(true), 'in.txt': 'one\n' });
  try {
    // Frozen stages without a lock entry run once, to have something to keep.
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    await project.remove('gen.out');
    await rm(path.join(project.root, 'cache'), { recursive: true, force: true });
    assert.deepEqual(await planOf(project.root), { gen: 'fail', use: 'skip' });
    const run = await runCli(project.root, ['run', '--json']);
    assert.equal(run.exitCode, 1);
    assert.deepEqual(statuses(run.events), { gen: 'failed', use: 'skipped' });
    const failed = run.events.find((e) => e.type === 'stage' && e.stage === 'gen');
    assert.match(failed?.type === 'stage' ? (failed.failure?.message ?? '') : '', /frozen stage gen: out "gen\.out" is missing .*frozen: false/);
  } finally {
    await project.dispose();
  }
});

test('a stage whose only change is a missing out gets it back from the lock and the cache, also after gc', async () => {
  // runs.log counts the command's runs; it is no out, so a restore cannot fake it.
  const project = await tempProject({
    'pipeline.yaml': 'stages:\n  gen: {cmd: echo run >> runs.log && cat in.txt > gen.out, deps: [in.txt], outs: [gen.out]}\n',
    'in.txt': 'one\n',
  });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    // gc keeps the lock's objects but drops every run-cache entry.
    assert.equal((await runCli(project.root, ['gc'])).exitCode, 0);
    await project.remove('gen.out');
    assert.deepEqual(await planOf(project.root), { gen: 'restore' });
    const run = await runCli(project.root, ['run', '--json']);
    assert.deepEqual(statuses(run.events), { gen: 'restored' });
    assert.equal(await project.read('gen.out'), 'one\n');
    assert.equal(await project.read('runs.log'), 'run\n');
    // With a changed dep as well, the recorded out is not its out any more: it runs.
    await project.remove('gen.out');
    await project.write('in.txt', 'two\n');
    assert.deepEqual(await planOf(project.root), { gen: 'run' });
    assert.deepEqual(statuses((await runCli(project.root, ['run', '--json'])).events), { gen: 'ran' });
    assert.equal(await project.read('gen.out'), 'two\n');
  } finally {
    await project.dispose();
  }
});

test('a single-file out keeps its executable bit when restored, from the lock or from the run cache', async () => {
  const project = await tempProject({
    'pipeline.yaml': 'stages:\n  build: {cmd: "grep v params.yaml > tool && chmod 755 tool", params: [params.yaml: [v]], outs: [tool]}\n',
    'params.yaml': 'v: 1\n',
  });
  const mode = async () => (await stat(path.join(project.root, 'tool'))).mode & 0o777;
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    assert.match(await project.read('dagmake.lock'), /path: tool, hash: [0-9a-f]{64}, size: 5, isexec: true\}/);
    await project.remove('tool');
    const fromLock = await runCli(project.root, ['run', '--json']);
    assert.deepEqual(statuses(fromLock.events), { build: 'restored' });
    assert.equal(await mode(), 0o755);

    await project.write('params.yaml', 'v: 2\n');
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    await project.write('params.yaml', 'v: 1\n');
    const fromRunCache = await runCli(project.root, ['run', '--json']);
    assert.deepEqual(statuses(fromRunCache.events), { build: 'restored' });
    assert.equal(await project.read('tool'), 'v: 1\n');
    assert.equal(await mode(), 0o755);
  } finally {
    await project.dispose();
  }
});

test('an out that cannot be restored because a file stands where its directory was fails with a hint', async () => {
  const project = await tempProject({ 'pipeline.yaml': 'stages:\n  s: {cmd: "mkdir -p a && echo x > a/b.txt", outs: [a/b.txt]}\n' });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    await project.remove('a');
    await project.write('a', 'a file now\n');
    const run = await runCli(project.root, ['run', '--json']);
    assert.equal(run.exitCode, 1);
    const failed = run.events.find((e) => e.type === 'stage' && e.stage === 's');
    const message = failed?.type === 'stage' ? (failed.failure?.message ?? '') : '';
    assert.match(message, /out "a\/b\.txt".*hint: a file stands where a directory is needed \("a" or above\)/);
    assert.equal(await project.read('a'), 'a file now\n', 'the file is left alone');
  } finally {
    await project.dispose();
  }
});
