// DAGMAKE_CACHE_DIR moves the cache out of the project, and several projects may share it: gc in
// one keeps what the others' locks record, and forgets projects that are gone.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, stagesWithStatus } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const pipeline = (text: string) => `stages:\n  make: {cmd: echo ${text} > out.txt, outs: [out.txt]}\n`;

async function objectCount(cache: string): Promise<number> {
  const shards = await readdir(path.join(cache, 'objects')).catch(() => [] as string[]);
  let count = 0;
  for (const shard of shards) count += (await readdir(path.join(cache, 'objects', shard))).length;
  return count;
}

test('projects sharing a cache through DAGMAKE_CACHE_DIR restore from it, and gc keeps what each records', async () => {
  const shared = await mkdtemp(path.join(tmpdir(), 'dagmake-shared-cache-'));
  const [a, b] = [await tempProject({ 'pipeline.yaml': pipeline('a') }), await tempProject({ 'pipeline.yaml': pipeline('b') })];
  const env = { DAGMAKE_CACHE_DIR: shared };
  try {
    for (const project of [a, b]) assert.equal((await runCli(project.root, ['run'], env)).exitCode, 0);
    assert.equal(existsSync(path.join(a.root, 'cache')), false, 'the project holds no cache of its own');
    assert.equal(await objectCount(shared), 2);

    // A relative DAGMAKE_CACHE_DIR is relative to the project.
    await b.remove('out.txt');
    const relative = await runCli(b.root, ['run', '--json'], { DAGMAKE_CACHE_DIR: path.relative(b.root, shared) });
    assert.deepEqual(stagesWithStatus(relative.events, 'restored'), ['make']);

    const collected = await runCli(a.root, ['gc'], env);
    assert.equal(collected.exitCode, 0, collected.stderr);
    assert.match(collected.stdout, new RegExp(`kept what ${b.root} records too: it shares this cache`));
    assert.match(collected.stdout, /removed 0 objects/);
    assert.equal(await objectCount(shared), 2);

    // Once b is gone, gc forgets it and its output goes.
    await b.dispose();
    const after = await runCli(a.root, ['gc'], env);
    assert.match(after.stdout, new RegExp(`forgot ${b.root}: it no longer exists`));
    assert.match(after.stdout, /removed 1 object/);
    assert.equal(await objectCount(shared), 1);
  } finally {
    await Promise.all([a.dispose(), b.dispose(), rm(shared, { recursive: true, force: true })]);
  }
});

test('gc in a project whose cache is shared exits 75 while the other project runs', async () => {
  const shared = await mkdtemp(path.join(tmpdir(), 'dagmake-shared-cache-'));
  const a = await tempProject({ 'pipeline.yaml': pipeline('a') });
  const b = await tempProject({ 'pipeline.yaml': 'stages:\n  slow: {cmd: sleep 3 && echo b > out.txt, outs: [out.txt]}\n' });
  const env = { DAGMAKE_CACHE_DIR: shared };
  try {
    assert.equal((await runCli(a.root, ['run'], env)).exitCode, 0);
    const running = runCli(b.root, ['run', '--force'], env);
    // Wait until b runs and has recorded itself as a user of the cache.
    const registered = async () => (await readdir(path.join(shared, 'projects')).catch(() => [])).length === 2;
    for (let i = 0; i < 100 && !(await registered()); i++) await new Promise((r) => setTimeout(r, 50));
    const collected = await runCli(a.root, ['gc'], env);
    assert.equal(collected.exitCode, 75, collected.stdout + collected.stderr);
    assert.match(collected.stderr, new RegExp(`${b.root} shares this cache .* and is running`));
    assert.equal((await running).exitCode, 0);
  } finally {
    await Promise.all([a.dispose(), b.dispose(), rm(shared, { recursive: true, force: true })]);
  }
});
