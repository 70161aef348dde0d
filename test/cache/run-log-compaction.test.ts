// A run-cache log compacts itself once reuses have appended many times more lines than it has
// keys, and never loses a line that another process appends while it does.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { ObjectStore } from '../../src/cache/object-store.js';
import { RunCache, type RunCacheEntry } from '../../src/cache/run-cache.js';
import { makeTempDir } from './temp-dir.js';

const entry: RunCacheEntry = { outs: [], durationMs: 5, createdAt: 1_700_000_000_000, runId: 'run-0' };
const key = (n: number) => `ab${String(n).padStart(62, '0')}`;
const lineCount = async (log: string) => (await readFile(log, 'utf8')).split('\n').filter((line) => line !== '').length;

test('switching back and forth between two configs does not grow the log without bound', async () => {
  const dir = await makeTempDir();
  const runCache = new RunCache(await ObjectStore.open(join(dir, 'cache')));
  await runCache.put(key(1), entry);
  await runCache.put(key(2), entry);
  for (let i = 1; i <= 500; i++) await runCache.touch(key(1 + (i % 2)), `run-${i}`, i);
  const log = join(dir, 'cache', 'runs', 'ab.jsonl');
  assert.ok((await lineCount(log)) <= 100, `${await lineCount(log)} lines for 2 keys`);
  const fresh = new RunCache(await ObjectStore.open(join(dir, 'cache')));
  assert.deepEqual(await fresh.list(), [
    { key: key(2), entry: { ...entry, runId: 'run-499', usedAt: 499 } },
    { key: key(1), entry: { ...entry, runId: 'run-500', usedAt: 500 } },
  ]);
});

test('no entry is lost when processes append to a log while another compacts it', async () => {
  const dir = await makeTempDir();
  const cacheDir = join(dir, 'cache');
  await ObjectStore.open(cacheDir);
  const storeModule = new URL('../../src/cache/object-store.js', import.meta.url).href;
  const runCacheModule = new URL('../../src/cache/run-cache.js', import.meta.url).href;
  // Each writer adds keys of its own, and reuses one key between them so that the log compacts often.
  const writer = (id: number) =>
    `const { ObjectStore } = await import(${JSON.stringify(storeModule)});` +
    `const { RunCache } = await import(${JSON.stringify(runCacheModule)});` +
    `const runCache = new RunCache(await ObjectStore.open(${JSON.stringify(cacheDir)}));` +
    `const entry = ${JSON.stringify(entry)};` +
    `const key = (n) => 'ab' + String(n).padStart(62, '0');` +
    `await runCache.put(key(0), entry);` +
    `for (let i = 1; i <= 300; i++) {` +
    `  await runCache.put(key(${id} * 1000 + i), entry);` +
    `  for (let j = 0; j < 4; j++) await runCache.touch(key(0), 'run', i);` +
    `}`;
  const writers = [1, 2, 3].map((id) => execa(process.execPath, ['--input-type=module', '-e', writer(id)]));
  for (const result of await Promise.all(writers)) assert.equal(result.exitCode, 0, result.stderr);
  const keys = new Set((await new RunCache(await ObjectStore.open(cacheDir)).list()).map((record) => record.key));
  const lost = [1, 2, 3].flatMap((id) => Array.from({ length: 300 }, (_, i) => key(id * 1000 + i + 1)).filter((k) => !keys.has(k)));
  assert.deepEqual(lost, []);
  assert.ok((await lineCount(join(cacheDir, 'runs', 'ab.jsonl'))) < 3 * 1500, 'the log was compacted');
});
