// Two pipeline files in one project, each with its own lock: removing a stage from one is reported
// by status, dropped from that pipeline's lock by its next run (of any targets), and its outputs
// are then collected by gc, while the other pipeline's lock and objects stay as they were.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, statuses } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const MAIN = `
stages:
  a:
    cmd: mkdir -p out && cp in.txt out/a.txt
    deps: [in.txt]
    outs: [out/a.txt]
  old:
    cmd: mkdir -p out && echo only-old-writes-this > out/old.txt
    outs: [out/old.txt]
  b:
    cmd: mkdir -p out && echo b > out/b.txt
    outs: [out/b.txt]
`;

const OTHER = `
stages:
  w_keep:
    cmd: mkdir -p out/w && echo kept-by-w > out/w/keep.txt
    outs: [out/w/keep.txt]
  w_gone:
    cmd: mkdir -p out/w && echo only-w-gone-writes-this > out/w/gone.txt
    outs: [out/w/gone.txt]
`;

const objectOf = (project: TempProject, content: string): string => {
  const hash = createHash('sha256').update(content).digest('hex');
  return path.join(project.root, 'cache', 'objects', hash.slice(0, 2), hash.slice(2));
};

const withoutStage = (pipeline: string, stage: string): string => pipeline.replace(new RegExp(`\\n  ${stage}:\\n(    .*\\n)+`), '\n');

test('a removed stage is reported, dropped by the next run of its own pipeline only, and then collected by gc', async () => {
  const project = await tempProject({ 'pipeline.yaml': MAIN, 'pipeline.w.yaml': OTHER, 'in.txt': 'input\n' });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    const other = await runCli(project.root, ['-f', 'pipeline.w.yaml', 'run']);
    assert.equal(other.exitCode, 0, other.stdout + other.stderr);
    assert.doesNotMatch(await project.read('dagmake.lock'), /w_keep|w_gone/, 'each pipeline file has its own lock');
    assert.match(await project.read('pipeline.w.dagmake.lock'), /w_gone/);
    const otherLock = await project.read('pipeline.w.dagmake.lock');

    await project.write('pipeline.yaml', withoutStage(MAIN, 'old'));
    const status = await runCli(project.root, ['status']);
    assert.equal(status.exitCode, 0, status.stderr);
    assert.equal(status.stdout, 'dagmake.lock has entries for 1 stage no longer in pipeline.yaml: old; the next run drops it\neverything is up to date (2 stages)');
    assert.equal((await runCli(project.root, ['status', '--exit-code'])).exitCode, 1, 'the next run would change the lock');
    const json = await runCli(project.root, ['status', '--json']);
    assert.equal((JSON.parse(json.stdout) as unknown[]).length, 2);
    assert.match(json.stderr, /^dagmake\.lock has entries for 1 stage no longer in pipeline\.yaml: old;/);

    // A run of one selected target still drops it: the lock is the whole pipeline's.
    const targeted = await runCli(project.root, ['run', '--json', 'a']);
    assert.equal(targeted.exitCode, 0, targeted.stderr);
    assert.deepEqual(statuses(targeted.events), { a: 'up-to-date' });
    const lock = await project.read('dagmake.lock');
    assert.doesNotMatch(lock, /\n {2}old:/);
    assert.match(lock, /\n {2}a:/);
    assert.match(lock, /\n {2}b:/);
    assert.equal(await project.read('pipeline.w.dagmake.lock'), otherLock, "the other pipeline's lock is untouched");
    const clean = await runCli(project.root, ['status', '--exit-code']);
    assert.equal(clean.exitCode, 0);
    assert.equal(clean.stdout, 'everything is up to date (2 stages)');

    // gc keeps what either lock references and nothing of the removed stage.
    assert.ok(existsSync(objectOf(project, 'only-old-writes-this\n')));
    const gc = await runCli(project.root, ['gc']);
    assert.equal(gc.exitCode, 0, gc.stderr);
    assert.match(gc.stdout, /^removed 1 object/);
    assert.ok(!existsSync(objectOf(project, 'only-old-writes-this\n')));
    for (const kept of ['input\n', 'b\n', 'kept-by-w\n', 'only-w-gone-writes-this\n']) assert.ok(existsSync(objectOf(project, kept)), kept);
  } finally {
    await project.dispose();
  }
});

test("a run of another pipeline file prunes its own lock and leaves dagmake.lock's entries alone", async () => {
  const project = await tempProject({ 'pipeline.yaml': MAIN, 'pipeline.w.yaml': OTHER, 'in.txt': 'input\n' });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    assert.equal((await runCli(project.root, ['-f', 'pipeline.w.yaml', 'run'])).exitCode, 0);
    const mainLock = await project.read('dagmake.lock');

    await project.write('pipeline.w.yaml', withoutStage(OTHER, 'w_gone'));
    const status = await runCli(project.root, ['-f', 'pipeline.w.yaml', 'status']);
    assert.equal(status.stdout, 'pipeline.w.dagmake.lock has entries for 1 stage no longer in pipeline.w.yaml: w_gone; the next run drops it\neverything is up to date (1 stage)');
    const run = await runCli(project.root, ['-f', 'pipeline.w.yaml', 'run', '--json', 'w_keep']);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.doesNotMatch(await project.read('pipeline.w.dagmake.lock'), /w_gone/);
    assert.match(await project.read('pipeline.w.dagmake.lock'), /w_keep/);
    assert.equal(await project.read('dagmake.lock'), mainLock, 'no entry of pipeline.yaml is lost');

    // And a run of pipeline.yaml, which knows no w_* stage, leaves the other lock alone in turn.
    const otherLock = await project.read('pipeline.w.dagmake.lock');
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    assert.equal(await project.read('pipeline.w.dagmake.lock'), otherLock);
    assert.equal(await project.read('dagmake.lock'), mainLock);

    assert.equal((await runCli(project.root, ['gc'])).exitCode, 0);
    assert.ok(!existsSync(objectOf(project, 'only-w-gone-writes-this\n')));
    assert.ok(existsSync(objectOf(project, 'kept-by-w\n')));
    assert.ok(existsSync(objectOf(project, 'only-old-writes-this\n')), "pipeline.yaml's objects are kept");
  } finally {
    await project.dispose();
  }
});

test('no stage may write a lock: its own pipeline file\'s or another\'s', async () => {
  const project = await tempProject({
    'pipeline.w.yaml': 'stages:\n  s:\n    cmd: "true"\n    outs: [pipeline.w.dagmake.lock, pipeline.v.dagmake.lock, dagmake.lock]\n',
  });
  try {
    const result = await runCli(project.root, ['-f', 'pipeline.w.yaml', 'run']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /output "pipeline\.w\.dagmake\.lock" of stage "s" is the lock file "pipeline\.w\.dagmake\.lock"/);
    assert.match(result.stderr, /output "pipeline\.v\.dagmake\.lock" of stage "s" is a pipeline file's lock/);
    assert.match(result.stderr, /output "dagmake\.lock" of stage "s" is the lock file "dagmake\.lock"/);
  } finally {
    await project.dispose();
  }
});
