import assert from 'node:assert/strict';
import fsPromises, { readdir, rm, writeFile } from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { join } from 'node:path';
import { mock, test } from 'node:test';
import { gc } from '../../src/cache/gc.js';
import { createMemo } from '../../src/cache/memo.js';
import { ObjectStore } from '../../src/cache/object-store.js';
import { RunCache } from '../../src/cache/run-cache.js';
import { makeTempDir, writeTree } from './temp-dir.js';

const key = (n: number): string => String(n).repeat(64).slice(0, 64);

/** A lock-referenced file, two runs' run-cache entries, a memo entry and an orphan object. */
async function populate() {
  const root = await makeTempDir();
  const store = await ObjectStore.open(join(root, 'cache'));
  const runCache = new RunCache(store);
  await writeTree(join(root, 'ws'), { 'lock.txt': 'in the lock', 'run1.txt': 'only run 1', 'run2.txt': 'only run 2', 'orphan.txt': 'nobody' });
  const add = (path: string) => store.addFile(join(root, 'ws', path));
  const lockFile = await add('lock.txt');
  const run1 = await add('run1.txt');
  const run2 = await add('run2.txt');
  const orphan = await add('orphan.txt');
  const memo = createMemo({ store, root, concurrency: 1, runId: 'run-1' });
  await memo('trial', { dir: 'trials/a' }, async (dir) => writeFile(join(dir, 'w'), 'trial weights'));
  const now = Date.now();
  await runCache.put(key(1), { durationMs: 1, runId: 'run-1', createdAt: now - 1000, outs: [{ path: 'r1', kind: 'file', ...run1 }] });
  await runCache.put(key(2), { durationMs: 1, runId: 'run-2', createdAt: now, outs: [{ path: 'r2', kind: 'file', ...run2 }] });
  return { root, store, runCache, lockFile, run1, run2, orphan, cache: join(root, 'cache') };
}

/** Every directory and file below the cache, as sorted relative paths. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).sort();
}

const shards = async (dir: string): Promise<string[]> => (await readdir(dir)).sort();

test('gc removes the run-cache, memo and object shards it emptied, and the dry run removes none', async () => {
  const s = await populate();
  const keepHashes = new Set([s.lockFile.hash]);
  const before = await tree(s.cache);
  assert.deepEqual(await shards(join(s.cache, 'runs')), ['11.jsonl', '22.jsonl']);
  assert.equal((await shards(join(s.cache, 'memo'))).length, 1);

  await gc(s.store, { keepHashes, keepRunsOfLast: 0, dryRun: true });
  assert.deepEqual(await tree(s.cache), before, 'the dry run removes nothing, not even a directory');

  await gc(s.store, { keepHashes, keepRunsOfLast: 0 });
  assert.deepEqual(await shards(join(s.cache, 'runs')), []);
  assert.deepEqual(await shards(join(s.cache, 'memo')), []);
  assert.deepEqual(await shards(join(s.cache, 'objects')), [s.lockFile.hash.slice(0, 2)]);
  assert.deepEqual(await shards(s.cache), ['memo', 'objects', 'runs', 'tmp'], 'the top-level directories stay');
});

test('a shard that still holds something stays, whatever it holds', async () => {
  const s = await populate();
  const orphanShard = join(s.cache, 'objects', s.orphan.hash.slice(0, 2));
  const sharedWithKept = [s.lockFile, s.run2].some((kept) => kept.hash.slice(0, 2) === s.orphan.hash.slice(0, 2));
  assert.equal(sharedWithKept, false, 'the orphan has a shard of its own');
  await writeFile(join(orphanShard, 'notes.txt'), 'not an object');

  const report = await gc(s.store, { keepHashes: new Set([s.lockFile.hash]), keepRunsOfLast: 1 });
  assert.equal(report.removedRunEntries, 1);
  assert.deepEqual(await shards(join(s.cache, 'runs')), ['22.jsonl'], 'the kept run keeps its log');
  assert.deepEqual(await readdir(orphanShard), ['notes.txt']);
  assert.equal(await s.store.has(s.run2.hash), true);
});

test('the store and the run cache write into a shard again after gc removed it', async () => {
  const s = await populate();
  await gc(s.store, { keepHashes: new Set(), keepRunsOfLast: 0 });
  assert.deepEqual(await shards(join(s.cache, 'objects')), []);

  // The same store: it created these shards before and must notice that they are gone.
  const again = await s.store.addFile(join(s.root, 'ws', 'orphan.txt'));
  assert.equal(await s.store.has(again.hash, again.size), true);
  await s.runCache.put(key(1), { durationMs: 1, runId: 'run-3', createdAt: Date.now(), outs: [] });
  assert.ok(await s.runCache.get(key(1)));
});

test('a shard that another process fills or removes while gc runs does not fail the gc', async (t) => {
  const s = await populate();
  const realRmdir = fsPromises.rmdir;
  const raced: string[] = [];
  // Another writer acts between gc listing a shard and removing it: the first shard gains an
  // entry, the second one is gone already.
  const racing = mock.method(fsPromises, 'rmdir', async (dir: string) => {
    if (raced.length === 0) await writeFile(join(dir, 'new-entry.json'), '{}');
    else if (raced.length === 1) await rm(dir, { recursive: true });
    raced.push(dir);
    return realRmdir(dir);
  });
  syncBuiltinESMExports();
  t.after(() => {
    racing.mock.restore();
    syncBuiltinESMExports();
  });

  await gc(s.store, { keepHashes: new Set(), keepRunsOfLast: 0 });
  assert.ok(raced.length >= 2, 'the race was played');
  assert.deepEqual(await readdir(raced[0]!), ['new-entry.json'], 'the shard that was filled meanwhile stays, with what was added');
});
