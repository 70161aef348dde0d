import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ObjectStore } from '../../src/cache/object-store.js';
import { RunCache, type RunCacheEntry } from '../../src/cache/run-cache.js';
import { makeTempDir, writeTree } from './temp-dir.js';

const KEY = 'ab'.repeat(32);

async function setup() {
  const dir = await makeTempDir();
  const store = await ObjectStore.open(join(dir, 'cache'));
  await writeTree(join(dir, 'ws'), { 'model.bin': 'weights', 'plots/a.csv': '1,2', 'plots/b.csv': '3,4' });
  const file = await store.addFile(join(dir, 'ws', 'model.bin'));
  const tree = await store.addTree(join(dir, 'ws', 'plots'));
  const entry: RunCacheEntry = {
    outs: [
      { path: 'ws/model.bin', kind: 'file', hash: file.hash, size: file.size },
      { path: 'ws/plots', kind: 'dir', hash: tree.hash, size: tree.size, nfiles: tree.nfiles },
    ],
    durationMs: 1234,
    createdAt: 1_700_000_000_000,
    runId: 'run-1',
  };
  return { dir, store, runCache: new RunCache(store), entry, tree };
}

test('put then get returns the entry, stored as JSON under runs/<key[:2]>/', async () => {
  const { dir, runCache, entry } = await setup();
  assert.equal(await runCache.get(KEY), undefined);
  await runCache.put(KEY, entry);
  assert.deepEqual(await runCache.get(KEY), entry);
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'cache', 'runs', 'ab', `${KEY}.json`), 'utf8')), entry);
});

test('get misses when a referenced object or tree member is missing or has the wrong size', async () => {
  const { store, runCache, entry, tree } = await setup();
  await runCache.put(KEY, entry);
  const member = tree.entries[0]!;
  await chmod(store.objectPath(member.hash), 0o644);
  await writeFile(store.objectPath(member.hash), 'different size');
  assert.equal(await runCache.get(KEY), undefined, 'tree member of the wrong size');
  await store.evict(member.hash);
  assert.equal(await runCache.get(KEY), undefined, 'tree member missing');

  const onlyFile = { ...entry, outs: [entry.outs[0]!] };
  await runCache.put(KEY, onlyFile);
  assert.deepEqual(await runCache.get(KEY), onlyFile);
  await store.evict(entry.outs[0]!.hash);
  assert.equal(await runCache.get(KEY), undefined, 'file object missing');
});

test('a malformed entry is a miss, and touch records the reusing run', async () => {
  const { dir, runCache, entry } = await setup();
  await runCache.put(KEY, entry);
  await runCache.touch(KEY, 'run-2', 42);
  assert.deepEqual(await runCache.get(KEY), { ...entry, runId: 'run-2', usedAt: 42 });
  await writeFile(join(dir, 'cache', 'runs', 'ab', `${KEY}.json`), '{"outs": [');
  assert.equal(await runCache.get(KEY), undefined);
});
