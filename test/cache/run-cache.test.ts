import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFile, chmod, mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
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

test('put then get returns the entry, appended as one JSON line to runs/<key[:2]>.jsonl', async () => {
  const { dir, store, runCache, entry } = await setup();
  assert.equal(await runCache.get(KEY), undefined);
  await runCache.put(KEY, entry);
  assert.deepEqual(await runCache.get(KEY), entry);
  assert.deepEqual(await new RunCache(store).get(KEY), entry, 'another reader finds it');
  const lines = (await readFile(join(dir, 'cache', 'runs', 'ab.jsonl'), 'utf8')).split('\n');
  assert.deepEqual(lines.map((line) => (line ? JSON.parse(line) : line)), [{ key: KEY, ...entry }, '']);
  assert.deepEqual(await readdir(join(dir, 'cache', 'runs')), ['ab.jsonl'], 'no file per entry');
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
  const { dir, store, runCache, entry } = await setup();
  await runCache.put(KEY, entry);
  await runCache.touch(KEY, 'run-2', 42);
  assert.deepEqual(await runCache.get(KEY), { ...entry, runId: 'run-2', usedAt: 42 });
  assert.deepEqual(await new RunCache(store).get(KEY), { ...entry, runId: 'run-2', usedAt: 42 }, 'the newest line wins');
  await appendFile(join(dir, 'cache', 'runs', 'ab.jsonl'), `${JSON.stringify({ key: KEY, outs: 'not a list' })}\n`);
  assert.equal(await new RunCache(store).get(KEY), undefined);
});

test('a line torn by a crash costs only that line: the next append starts a new one', async () => {
  const { dir, store, entry } = await setup();
  const log = join(dir, 'cache', 'runs', 'ab.jsonl');
  const other = `ab${'cd'.repeat(31)}`;
  await new RunCache(store).put(other, entry);
  const whole = await readFile(log, 'utf8');
  await writeFile(log, whole + whole.slice(0, 40)); // a second append cut short
  await new RunCache(store).put(KEY, { ...entry, runId: 'after-the-crash' });
  const fresh = new RunCache(store);
  assert.deepEqual(await fresh.get(other), entry);
  assert.deepEqual(await fresh.get(KEY), { ...entry, runId: 'after-the-crash' });
  assert.deepEqual((await fresh.list()).map((record) => record.key).sort(), [KEY, other].sort());
});

test('entries kept one per file by older versions are still found, listed and removed', async () => {
  const { dir, store, entry } = await setup();
  await mkdir(join(dir, 'cache', 'runs', 'ab'), { recursive: true });
  await writeFile(join(dir, 'cache', 'runs', 'ab', `${KEY}.json`), JSON.stringify(entry));
  const runCache = new RunCache(store);
  assert.deepEqual(await runCache.get(KEY), entry);
  assert.deepEqual(await runCache.list(), [{ key: KEY, entry }]);
  await runCache.touch(KEY, 'run-2', 7);
  assert.deepEqual(await new RunCache(store).get(KEY), { ...entry, runId: 'run-2', usedAt: 7 }, 'the log overrides the old file');
  await runCache.remove(new Set([KEY]));
  assert.equal(await new RunCache(store).get(KEY), undefined);
  assert.deepEqual(await readdir(join(dir, 'cache', 'runs', 'ab')), []);
});

test('remove rewrites a log with one line per remaining key and removes a log left empty', async () => {
  const { dir, store, runCache, entry } = await setup();
  const keep = `ab${'01'.repeat(31)}`;
  const drop = `ab${'02'.repeat(31)}`;
  const alone = `cd${'03'.repeat(31)}`;
  await runCache.put(keep, entry);
  await runCache.touch(keep, 'run-2', 5);
  await runCache.put(drop, entry);
  await runCache.put(alone, entry);
  await runCache.remove(new Set([drop, alone]));
  const lines = (await readFile(join(dir, 'cache', 'runs', 'ab.jsonl'), 'utf8')).trimEnd().split('\n');
  assert.deepEqual(lines.map((line) => JSON.parse(line)), [{ key: keep, ...entry, runId: 'run-2', usedAt: 5 }]);
  assert.deepEqual(await readdir(join(dir, 'cache', 'runs')), ['ab.jsonl']);
  assert.deepEqual(await runCache.list(), [{ key: keep, entry: { ...entry, runId: 'run-2', usedAt: 5 } }]);
});

test('an append the disk takes only part of fails with the reason instead of passing for written', async () => {
  // A file size limit (bash counts it in KiB) cuts a write short the way a full disk does: part
  // of the line, no error.
  const { dir } = await setup();
  const log = join(dir, 'cache', 'runs', 'ab.jsonl');
  await mkdir(join(dir, 'cache', 'runs'), { recursive: true });
  await writeFile(log, `${'x'.repeat(899)}\n`);
  const module = new URL('../../src/cache/run-log.js', import.meta.url).href;
  const script =
    `const { RunLogWriter } = await import(${JSON.stringify(module)});` +
    `try { new RunLogWriter().append(${JSON.stringify(log)}, ${JSON.stringify(KEY)}, { outs: [], pad: 'y'.repeat(200) }); console.log('written'); }` +
    `catch (error) { console.log(error.code); }`;
  const child = spawnSync('bash', ['-c', 'ulimit -f 1 && exec "$0" --input-type=module -e "$1"', process.execPath, script], { encoding: 'utf8' });
  assert.equal(child.stdout.trim(), 'EFBIG', child.stderr);
  assert.equal((await readFile(log)).length, 1024, 'the disk took part of the line');
});
