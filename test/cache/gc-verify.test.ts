import assert from 'node:assert/strict';
import { rmSync, statSync } from 'node:fs';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { gc } from '../../src/cache/gc.js';
import { createMemo } from '../../src/cache/memo.js';
import { listObjects } from '../../src/cache/object-listing.js';
import { ObjectStore } from '../../src/cache/object-store.js';
import { RunCache } from '../../src/cache/run-cache.js';
import { verify } from '../../src/cache/verify.js';
import { serializeManifest } from '../../src/hash/manifest.js';
import { makeTempDir, sha256, writeTree } from './temp-dir.js';

const key = (n: number): string => String(n).repeat(64).slice(0, 64);

/** A store with lock-referenced content, three runs' worth of entries and an orphan. */
async function populate() {
  const root = await makeTempDir();
  const store = await ObjectStore.open(join(root, 'cache'));
  const runCache = new RunCache(store);
  await writeTree(join(root, 'ws'), {
    'lock-file.txt': 'in the lock',
    'lock-dir/a': 'lock member a',
    'lock-dir/b': 'lock member b',
    'run1.txt': 'only run 1',
    'run2-dir/x': 'run 2 member',
    'run3.txt': 'only run 3',
    'orphan.txt': 'nobody',
  });
  const add = (path: string) => store.addFile(join(root, 'ws', path));
  const lockFile = await add('lock-file.txt');
  const lockDir = await store.addTree(join(root, 'ws', 'lock-dir'));
  const run1 = await add('run1.txt');
  const run2Dir = await store.addTree(join(root, 'ws', 'run2-dir'));
  const run3 = await add('run3.txt');
  const orphan = await add('orphan.txt');

  const now = Date.now();
  const memoOf = (runId: string) => createMemo({ store, root, concurrency: 1, runId });
  await memoOf('run-1')('old trial', { dir: 'trials/old' }, async (dir) => writeFile(join(dir, 'w'), 'old trial weights'));
  await memoOf('run-3')('new trial', { dir: 'trials/new' }, async (dir) => writeFile(join(dir, 'w'), 'new trial weights'));
  const base = { durationMs: 10 };
  await runCache.put(key(1), { ...base, runId: 'run-1', createdAt: now - 5000, outs: [{ path: 'r1', kind: 'file', ...run1 }] });
  await runCache.put(key(2), {
    ...base,
    runId: 'run-2',
    createdAt: now + 1000,
    outs: [{ path: 'r2', kind: 'dir', hash: run2Dir.hash, size: run2Dir.size, nfiles: 1 }],
  });
  await runCache.put(key(3), { ...base, runId: 'run-3', createdAt: now + 2000, outs: [{ path: 'r3', kind: 'file', ...run3 }] });
  return { root, store, runCache, lockFile, lockDir, run1, run2Dir, run3, orphan };
}

test('gc keeps what the lock and the last N runs reference and removes everything else', async () => {
  const s = await populate();
  const keepHashes = new Set([s.lockFile.hash, s.lockDir.hash]);
  const before = (await listObjects(s.store.layout.objectsDir)).map((o) => o.hash).sort();
  // lock file, tree & 2 members + run1 + run2 tree & member + run3 + orphan + 2 memo trees & members
  assert.equal(before.length, 13);

  const planned = await gc(s.store, { keepHashes, keepRunsOfLast: 2, dryRun: true });
  assert.deepEqual((await listObjects(s.store.layout.objectsDir)).map((o) => o.hash).sort(), before, 'dry run deletes nothing');

  const report = await gc(s.store, { keepHashes, keepRunsOfLast: 2 });
  assert.deepEqual(report, planned);
  const oldTrialWeights = 'old trial weights';
  const oldTree = serializeManifest([{ path: 'w', hash: sha256(oldTrialWeights), size: oldTrialWeights.length, executable: false }]);
  assert.equal(report.removedObjects, 4, 'run 1 file, orphan, old memo tree and its member');
  assert.equal(report.removedBytes, s.run1.size + s.orphan.size + oldTrialWeights.length + Buffer.byteLength(oldTree));
  assert.equal(report.removedRunEntries, 1);
  assert.equal(report.removedMemoEntries, 1);

  const expectedKept = new Set([
    s.lockFile.hash,
    s.lockDir.hash,
    ...s.lockDir.entries.map((e) => e.hash),
    s.run2Dir.hash,
    ...s.run2Dir.entries.map((e) => e.hash),
    s.run3.hash,
  ]);
  const kept = new Set((await listObjects(s.store.layout.objectsDir)).map((o) => o.hash));
  for (const hash of expectedKept) assert.ok(kept.has(hash), `kept ${hash}`);
  assert.equal(kept.size, expectedKept.size + 2, 'plus the recent memo tree and its member');
  assert.equal(await s.runCache.get(key(1)), undefined);
  assert.ok(await s.runCache.get(key(2)));
  assert.ok(await s.runCache.get(key(3)));

  const fresh = createMemo({ store: s.store, root: s.root, concurrency: 1, runId: 'run-4' });
  let recomputed = 0;
  const trial = (name: string) => async (dir: string) => {
    recomputed++;
    await writeFile(join(dir, 'w'), `${name} trial weights`);
  };
  assert.equal((await fresh('new trial', { dir: 'trials/new' }, trial('new'))).hit, true);
  assert.equal((await fresh('old trial', { dir: 'trials/old' }, trial('old'))).hit, false);
  assert.equal(recomputed, 1);
});

test('gc with keepRunsOfLast 0 keeps only the lock', async () => {
  const s = await populate();
  const report = await gc(s.store, { keepHashes: new Set([s.lockFile.hash]), keepRunsOfLast: 0 });
  assert.deepEqual((await listObjects(s.store.layout.objectsDir)).map((o) => o.hash), [s.lockFile.hash]);
  assert.equal(report.removedObjects, 12);
  assert.equal(report.removedRunEntries, 3);
  assert.deepEqual(await readdir(join(s.root, 'cache', 'runs')), []);
});

test('verify finds corrupt objects, evicts them and the run entries that reference them', async () => {
  const s = await populate();
  const member = s.run2Dir.entries[0]!;
  for (const hash of [member.hash, s.lockFile.hash]) {
    await chmod(s.store.objectPath(hash), 0o644);
    await writeFile(s.store.objectPath(hash), 'corrupted!!!');
  }
  const report = await verify(s.store);
  assert.equal(report.checked, 13);
  assert.deepEqual(report.corrupt, [member.hash, s.lockFile.hash].sort());
  assert.equal(report.removedRunEntries, 1);
  assert.equal(report.removedMemoEntries, 0);
  assert.equal(await s.store.has(member.hash), false);
  assert.equal(await s.store.has(s.lockFile.hash), false);
  assert.equal(await s.runCache.get(key(2)), undefined);
  assert.ok(await s.runCache.get(key(1)));
  assert.ok(await s.runCache.get(key(3)));

  const again = await verify(s.store);
  assert.deepEqual([again.checked, again.corrupt], [11, []]);
});

test('verify counts an object removed after it was listed (gc in another process) as gone, not corrupt', async () => {
  const s = await populate();
  // The entries are read between the listing and the hashing: gc removes the orphan right then.
  let removed = false;
  const layout = new Proxy(s.store.layout, {
    get(target, property, receiver) {
      if (property === 'runsDir' && !removed) {
        removed = true;
        rmSync(target.objectPath(s.orphan.hash), { force: true });
      }
      return Reflect.get(target, property, receiver) as unknown;
    },
  });
  const store = Object.create(s.store, { layout: { value: layout } }) as ObjectStore;
  const report = await verify(store);
  assert.ok(removed);
  assert.deepEqual(report.corrupt, []);
  assert.equal(report.checked, 12);
  assert.equal(report.removedRunEntries, 0);
});

test('verify with nothing corrupt leaves the run logs alone, so an entry a run appends meanwhile is never lost', async () => {
  // verify holds no project lock: rewriting a log (a read, then a rename over it) would drop
  // whatever a run appended in between.
  const s = await populate();
  await s.runCache.touch(key(1), 'run-4'); // a superseded line, which a rewrite would drop
  const log = s.store.layout.runLogPath(key(1));
  const before = { text: await readFile(log, 'utf8'), inode: statSync(log).ino };
  const report = await verify(s.store);
  assert.deepEqual(report.corrupt, []);
  assert.deepEqual({ text: await readFile(log, 'utf8'), inode: statSync(log).ino }, before);
  assert.equal(before.text.trim().split('\n').length, 2);
});

test('gc with a size limit keeps the newest runs that fit, never an older one in place of a newer', async () => {
  const s = await populate();
  const keepHashes = new Set([s.lockFile.hash, s.lockDir.hash]);
  const all = await listObjects(s.store.layout.objectsDir);
  const size = (hashes: readonly string[]) => all.filter((o) => hashes.includes(o.hash)).reduce((sum, o) => sum + o.size, 0);
  const lockBytes = size([s.lockFile.hash, s.lockDir.hash, ...s.lockDir.entries.map((e) => e.hash)]);
  const newTrial = 'new trial weights';
  const newTrialTree = serializeManifest([{ path: 'w', hash: sha256(newTrial), size: newTrial.length, executable: false }]);
  // run 3 made run3.txt and the new memo trial; run 2 the run2-dir tree.
  const run3Bytes = s.run3.size + newTrial.length + Buffer.byteLength(newTrialTree);
  const limit = lockBytes + run3Bytes; // run 3 fits, run 2 would not

  const planned = await gc(s.store, { keepHashes, keepRunsOfLast: Infinity, maxBytes: limit, dryRun: true });
  assert.deepEqual([planned.keptRuns, planned.lockBytes, planned.keptBytes], [1, lockBytes, limit]);
  const report = await gc(s.store, { keepHashes, keepRunsOfLast: Infinity, maxBytes: limit });
  assert.equal(report.removedRunEntries, 2, 'runs 1 and 2');
  assert.ok(await s.runCache.get(key(3)));
  assert.equal(await s.runCache.get(key(1)), undefined, 'run 1 is small enough to fit, but older than run 2, which did not');
  assert.equal(await s.store.has(s.run3.hash), true);
  assert.equal(await s.store.has(s.run1.hash), false);
  const left = await listObjects(s.store.layout.objectsDir);
  assert.equal(left.reduce((sum, o) => sum + o.size, 0), limit);
});

test('gc with a size limit below what the lock references keeps the lock and no run', async () => {
  const s = await populate();
  const report = await gc(s.store, { keepHashes: new Set([s.lockFile.hash]), keepRunsOfLast: Infinity, maxBytes: 1 });
  assert.equal(report.keptRuns, 0);
  assert.equal(report.lockBytes, s.lockFile.size);
  assert.deepEqual((await listObjects(s.store.layout.objectsDir)).map((o) => o.hash), [s.lockFile.hash]);
});
