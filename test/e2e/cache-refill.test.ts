// After cache/ is lost: gc and cache verify say so truthfully, and a run stores the outs of its
// up-to-date stages again, so that an out deleted later is restored rather than rerun.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, statuses } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const objectOf = (project: TempProject, content: string): string => {
  const hash = createHash('sha256').update(content).digest('hex');
  return path.join(project.root, 'cache', 'objects', hash.slice(0, 2), hash.slice(2));
};

const PIPELINE =
  'stages:\n' +
  '  a: {cmd: echo a > a.out, outs: [a.out]}\n' +
  '  b: {cmd: cat a.out a.out > b.out, deps: [a.out], outs: [b.out]}\n';

test('after cache/ is deleted, gc and verify report the lost outs and a run stores them again', async () => {
  const project = await tempProject({ 'pipeline.yaml': PIPELINE });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    await rm(path.join(project.root, 'cache'), { recursive: true, force: true });

    const gc = await runCli(project.root, ['gc', '--dry']);
    assert.equal(gc.exitCode, 0, gc.stderr);
    assert.match(gc.stdout, /; kept 0 objects; 2 outs the locks record are not in the cache \(/);

    const bare = await runCli(project.root, ['cache']);
    assert.equal(bare.exitCode, 2);
    assert.equal(bare.stderr, 'error: missing cache subcommand\n  hint: dagmake cache verify');
    const lost = await runCli(project.root, ['cache', 'verify']);
    assert.equal(lost.exitCode, 1, lost.stdout + lost.stderr);
    assert.match(lost.stdout, /^missing: a\.out \(stage a\)\nmissing: b\.out \(stage b\)\n/);
    assert.match(lost.stdout, /checked 0 objects, 0 corrupt; 2 of 2 outs the locks record are missing from the cache\n {2}hint: /);

    const run = await runCli(project.root, ['run', '--json']);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(statuses(run.events), { a: 'up-to-date', b: 'up-to-date' });
    assert.equal(run.events.filter((e) => e.type === 'warning').length, 0, 'storing them again is silent');
    assert.ok(existsSync(objectOf(project, 'a\n')));
    assert.ok(existsSync(objectOf(project, 'a\na\n')));

    const verified = await runCli(project.root, ['cache', 'verify']);
    assert.equal(verified.exitCode, 0, verified.stdout);
    assert.equal(verified.stdout, 'checked 2 objects, 0 corrupt; all 2 outs the locks record are in the cache');
    assert.match((await runCli(project.root, ['gc', '--dry'])).stdout, /; kept 2 objects$/);

    await project.remove('b.out');
    const restored = await runCli(project.root, ['run', '--json']);
    assert.deepEqual(statuses(restored.events), { a: 'up-to-date', b: 'restored' });
    assert.equal(await project.read('b.out'), 'a\na\n');
  } finally {
    await project.dispose();
  }
});

test('outs declared cache: false are neither stored again nor reported missing', async () => {
  const project = await tempProject({
    'pipeline.yaml': 'stages:\n  big: {cmd: echo big > big.bin && echo small > small.txt, outs: [{big.bin: {cache: false}}, small.txt]}\n',
  });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    assert.ok(!existsSync(objectOf(project, 'big\n')));
    const verified = await runCli(project.root, ['cache', 'verify']);
    assert.equal(verified.exitCode, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /the 1 out the locks record is in the cache/);
    assert.match((await runCli(project.root, ['gc', '--dry'])).stdout, /; kept 1 object$/);

    await rm(path.join(project.root, 'cache'), { recursive: true, force: true });
    const lost = await runCli(project.root, ['cache', 'verify']);
    assert.equal(lost.exitCode, 1);
    assert.equal(lost.stdout.split('\n').filter((line) => line.startsWith('missing: ')).join('\n'), 'missing: small.txt (stage big)');
    assert.match(lost.stdout, /; 1 of 1 out the locks record is missing from the cache\n/);
    assert.match((await runCli(project.root, ['gc', '--dry'])).stdout, /; kept 0 objects; 1 out the locks record is not in the cache \(/);

    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    assert.ok(existsSync(objectOf(project, 'small\n')));
    assert.ok(!existsSync(objectOf(project, 'big\n')));
    assert.equal((await runCli(project.root, ['cache', 'verify'])).exitCode, 0);
  } finally {
    await project.dispose();
  }
});

test('a directory out and a frozen stage are stored again, but never an out edited by hand', async () => {
  const project = await tempProject({
    'pipeline.yaml':
      'stages:\n' +
      '  dir: {cmd: mkdir -p d && echo one > d/1 && echo two > d/2, outs: [d/]}\n' +
      '  gen: {cmd: echo gen > gen.out, outs: [gen.out], frozen: true}\n' +
      '  hand: {cmd: echo hand > hand.out, outs: [hand.out], frozen: true}\n',
  });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    await rm(path.join(project.root, 'cache'), { recursive: true, force: true });
    // A frozen stage's outs are not hashed to decide that it is up to date: an edit must not be stored as its output.
    await project.write('hand.out', 'edited\n');

    const run = await runCli(project.root, ['run', '--json']);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(statuses(run.events), { dir: 'up-to-date', gen: 'up-to-date', hand: 'up-to-date' });
    for (const content of ['one\n', 'two\n', 'gen\n']) assert.ok(existsSync(objectOf(project, content)), content);
    assert.ok(!existsSync(objectOf(project, 'edited\n')));

    const verify = await runCli(project.root, ['cache', 'verify']);
    assert.equal(verify.exitCode, 1);
    assert.match(verify.stdout, /^missing: hand\.out \(stage hand\)\n/);

    await project.remove('d');
    await project.remove('gen.out');
    const restored = await runCli(project.root, ['run', '--json']);
    assert.equal(restored.exitCode, 0, restored.stderr);
    assert.deepEqual(statuses(restored.events), { dir: 'restored', gen: 'restored', hand: 'up-to-date' });
    assert.equal(await project.read('d/2'), 'two\n');
    assert.equal(await project.read('gen.out'), 'gen\n');
  } finally {
    await project.dispose();
  }
});

test('cache verify lists the first 20 missing outs and counts the rest', async () => {
  const stages = Array.from({ length: 23 }, (_, i) => `  s${String(i).padStart(2, '0')}: {cmd: echo ${i} > o${i}.out, outs: [o${i}.out]}\n`);
  const project = await tempProject({ 'pipeline.yaml': `stages:\n${stages.join('')}` });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    await rm(path.join(project.root, 'cache'), { recursive: true, force: true });
    const lost = await runCli(project.root, ['cache', 'verify']);
    assert.equal(lost.exitCode, 1);
    const lines = lost.stdout.split('\n');
    assert.equal(lines.filter((line) => /^missing: o\d+\.out \(stage s\d\d\)$/.test(line)).length, 20);
    assert.equal(lines[0], 'missing: o0.out (stage s00)');
    assert.ok(lines.includes('missing: … and 3 more'), lost.stdout);
    assert.ok(lines.includes('checked 0 objects, 0 corrupt; 23 of 23 outs the locks record are missing from the cache'), lost.stdout);
  } finally {
    await project.dispose();
  }
});
