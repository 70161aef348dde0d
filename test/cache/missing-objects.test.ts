// gc and verify against a store that lost what the locks record: kept means present, and what is
// gone is reported per out (stage and path), a directory's lost files counted.
import assert from 'node:assert/strict';
import { chmod, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { gc } from '../../src/cache/gc.js';
import { listObjects } from '../../src/cache/object-listing.js';
import { ObjectStore } from '../../src/cache/object-store.js';
import type { LockedOutRef } from '../../src/cache/references.js';
import { verify } from '../../src/cache/verify.js';
import { makeTempDir, writeTree } from './temp-dir.js';

/** A store holding one file out and one directory out, and the lock's view of both. */
async function populate() {
  const root = await makeTempDir();
  const store = await ObjectStore.open(join(root, 'cache'));
  await writeTree(join(root, 'ws'), { 'model.bin': 'weights', 'data/a': 'member a', 'data/b': 'member b', 'orphan.txt': 'nobody' });
  const file = await store.addFile(join(root, 'ws', 'model.bin'));
  const tree = await store.addTree(join(root, 'ws', 'data'));
  await store.addFile(join(root, 'ws', 'orphan.txt'));
  const outs: LockedOutRef[] = [
    { stage: 'train', path: 'model.bin', hash: file.hash, kind: 'file' },
    { stage: 'prepare', path: 'data', hash: tree.hash, kind: 'dir' },
  ];
  return { root, store, file, tree, outs, keepHashes: new Set(outs.map((o) => o.hash)) };
}

test('gc counts as kept only the objects the store holds, and the recorded outs it lost', async () => {
  const s = await populate();
  const intact = await gc(s.store, { keepHashes: s.keepHashes, keepRunsOfLast: 0, dryRun: true, recordedOuts: s.outs });
  assert.equal(intact.keptObjects, 4, 'the file, the tree and its two members');
  assert.deepEqual(intact.missingOuts, []);

  await rm(join(s.root, 'cache'), { recursive: true, force: true });
  const emptied = await ObjectStore.open(join(s.root, 'cache'));
  const report = await gc(emptied, { keepHashes: s.keepHashes, keepRunsOfLast: 0, recordedOuts: s.outs });
  assert.equal(report.keptObjects, 0);
  assert.equal(report.removedObjects, 0);
  assert.deepEqual(report.missingOuts.map((o) => o.path), ['data', 'model.bin']);
});

test('gc counts a directory out whose tree survived but a file did not as missing', async () => {
  const s = await populate();
  await s.store.evict(s.tree.entries[0]!.hash);
  const report = await gc(s.store, { keepHashes: s.keepHashes, keepRunsOfLast: 0, recordedOuts: s.outs });
  assert.equal(report.removedObjects, 1, 'the orphan');
  assert.equal(report.keptObjects, 3);
  assert.deepEqual(report.missingOuts, [{ ...s.outs[1]!, missingFiles: 1 }]);
});

test('verify lists the recorded outs the store lost, once each, with stage and path', async () => {
  const s = await populate();
  await s.store.evict(s.file.hash);
  await s.store.evict(s.tree.entries[1]!.hash);
  // The same entry in two locks (a pipeline's first run copies entries from dagmake.lock) is one out.
  const report = await verify(s.store, { lockedOuts: [...s.outs, s.outs[0]!] });
  assert.deepEqual(report.corrupt, []);
  assert.equal(report.checkedOuts, 2);
  assert.deepEqual(report.missing, [
    { ...s.outs[1]!, missingFiles: 1 },
    { ...s.outs[0]! },
  ]);
});

test('verify reports an out whose object was corrupt, and is now evicted, as missing too', async () => {
  const s = await populate();
  await chmod(s.store.objectPath(s.file.hash), 0o644);
  await writeFile(s.store.objectPath(s.file.hash), 'tampered');
  const report = await verify(s.store, { lockedOuts: s.outs });
  assert.deepEqual(report.corrupt, [s.file.hash]);
  assert.deepEqual(report.missing, [s.outs[0]]);
  assert.equal((await listObjects(s.store.layout.objectsDir)).length, 4);
});

test('verify without recorded outs reports nothing missing', async () => {
  const s = await populate();
  await rm(join(s.root, 'cache', 'objects'), { recursive: true, force: true });
  const report = await verify(s.store);
  assert.equal(report.checked, 0);
  assert.equal(report.checkedOuts, 0);
  assert.deepEqual(report.missing, []);
});
