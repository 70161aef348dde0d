import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { cliPath, runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const exec = promisify(execFile);

const pipeline = ['a', 'b', 'c']
  .map((name) => `  ${name}:\n    cmd: cat p${name}.txt > ${name}.txt\n    deps: [p${name}.txt]\n    outs: [${name}.txt]\n`)
  .join('');

test('git merges the locks of two branches through the driver: each side keeps its stages, a stage changed on both is dropped', async (t) => {
  const project = await tempProject({
    'pipeline.yaml': `stages:\n${pipeline}`,
    'pa.txt': '1\n',
    'pb.txt': '1\n',
    'pc.txt': '1\n',
    '.gitignore': 'cache/\n.dagmake/\n[abc].txt\n',
    '.gitattributes': 'dagmake.lock merge=dagmake\n',
  });
  t.after(() => project.dispose());
  const git = (...args: string[]) => exec('git', args, { cwd: project.root });
  await git('init', '-q', '-b', 'main');
  await git('config', 'user.email', 'test@example.com');
  await git('config', 'user.name', 'test');
  await git('config', 'merge.dagmake.driver', `node ${cliPath} merge-lock %O %A %B %P`);
  const run = async () => assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
  await run();
  await git('add', '-A');
  await git('commit', '-qm', 'base');

  await git('checkout', '-qb', 'left');
  await project.write('pa.txt', 'left\n');
  await project.write('pc.txt', 'left\n');
  await run();
  await git('commit', '-qam', 'left');
  const leftLock = await project.read('dagmake.lock');

  await git('checkout', '-q', 'main');
  await project.write('pb.txt', 'right\n');
  await project.write('pc.txt', 'right\n');
  await run();
  await git('commit', '-qam', 'right');
  const rightLock = await project.read('dagmake.lock');

  const merge = await exec('git', ['merge', 'left', '-m', 'merge'], { cwd: project.root }).catch((error: { stdout: string; stderr: string }) => error);
  assert.match(merge.stderr, /dagmake\.lock: 1 stage changed on both sides, left out of the merged lock: c; the next run runs it again/);
  assert.match(merge.stdout, /CONFLICT \(content\): Merge conflict in pc\.txt/);
  assert.doesNotMatch(merge.stdout, /Merge conflict in dagmake\.lock/);

  const merged = await project.read('dagmake.lock');
  const entry = (lock: string, stage: string) => new RegExp(`\\n  ${stage}:\\n(    .*\\n|      .*\\n)+`).exec(lock)?.[0];
  assert.equal(entry(merged, 'a'), entry(leftLock, 'a'), "a as the left branch ran it");
  assert.equal(entry(merged, 'b'), entry(rightLock, 'b'), 'b as the right branch ran it');
  assert.equal(entry(merged, 'c'), undefined);
  assert.doesNotMatch(merged, /<<<<<<<|>>>>>>>/);

  await writeFile(path.join(project.root, 'pc.txt'), 'merged\n');
  const after = await runCli(project.root, ['run', '--json']);
  assert.equal(after.exitCode, 0, after.stderr);
  const status = Object.fromEntries(after.events.flatMap((e) => (e.type === 'stage' ? [[e.stage, e.status]] : [])));
  assert.equal(status.c, 'ran');
  assert.equal(status.a, 'restored', 'this clone ran the left branch, so its run cache has a');
  assert.equal(await readFile(path.join(project.root, 'a.txt'), 'utf8'), 'left\n');
});

test('merge-lock refuses a version that is not a lock and leaves ours untouched', async (t) => {
  const project = await tempProject({ base: '', ours: 'schema: 1\nstages: {}\n', theirs: '<<<<<<< HEAD\nx\n' });
  t.after(() => project.dispose());
  const result = await runCli(project.root, ['merge-lock', 'base', 'ours', 'theirs', 'dagmake.lock']);
  assert.equal(result.exitCode, 1);
  assert.match(result.stderr, /dagmake\.lock \(theirs\):1:1 error: .*merge conflict/);
  assert.match(result.stderr, /dagmake\.lock: not merged; resolve it by hand/);
  assert.equal(await project.read('ours'), 'schema: 1\nstages: {}\n');
  const usage = await runCli(project.root, ['merge-lock', 'base', 'ours']);
  assert.equal(usage.exitCode, 2);
});
