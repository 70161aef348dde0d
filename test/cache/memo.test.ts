import assert from 'node:assert/strict';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { createMemo, type MemoTaskEvent } from '../../src/cache/memo.js';
import { ObjectStore } from '../../src/cache/object-store.js';
import { Semaphore } from '../../src/cache/semaphore.js';
import { canonicalJson } from '../../src/hash/canonical-json.js';
import { makeTempDir } from './temp-dir.js';

async function setup(concurrency = 2) {
  const root = await makeTempDir();
  const store = await ObjectStore.open(join(root, 'cache'));
  const events: MemoTaskEvent[] = [];
  const memo = createMemo({ store, root, concurrency, runId: 'run-1', onTask: (e) => events.push(e) });
  return { root, store, memo, events };
}

test('the same key is a hit that restores files and value without computing', async () => {
  const { root, memo, events } = await setup();
  let computed = 0;
  const compute = async (dir: string) => {
    computed++;
    await writeFile(join(dir, 'result.json'), '{"loss":0.5}');
    return { loss: 0.5, epochs: [1, 2] };
  };
  const first = await memo({ lr: 0.1, model: 'bilstm' }, { dir: 'outputs/trial_1', label: 'trial_1' }, compute);
  assert.deepEqual(first, { dir: join(root, 'outputs/trial_1'), value: { loss: 0.5, epochs: [1, 2] }, hit: false });

  await writeFile(join(root, 'outputs/trial_1/result.json'), 'clobbered');
  await writeFile(join(root, 'outputs/trial_1/stray.txt'), 'stray');
  const second = await memo({ model: 'bilstm', lr: 0.1 }, { dir: 'outputs/trial_1', label: 'trial_1' }, compute);
  assert.deepEqual(second, { ...first, hit: true });
  assert.equal(computed, 1);
  assert.deepEqual(await readdir(join(root, 'outputs/trial_1')), ['result.json']);
  assert.equal(await readFile(join(root, 'outputs/trial_1/result.json'), 'utf8'), '{"loss":0.5}');
  assert.deepEqual(
    events.map((e) => `${e.task}:${e.state}`),
    ['trial_1:queued', 'trial_1:running', 'trial_1:done', 'trial_1:queued', 'trial_1:hit'],
  );
});

test('a changed key recomputes into an emptied directory', async () => {
  const { root, memo } = await setup();
  const seen: string[][] = [];
  const compute = (value: number) => async (dir: string) => {
    seen.push(await readdir(dir));
    await writeFile(join(dir, `out-${value}.txt`), String(value));
    return value;
  };
  await memo({ lr: 1 }, { dir: 'u' }, compute(1));
  const again = await memo({ lr: 2 }, { dir: 'u' }, compute(2));
  assert.equal(again.hit, false);
  assert.equal(again.value, 2);
  assert.deepEqual(seen, [[], []]);
  assert.deepEqual(await readdir(join(root, 'u')), ['out-2.txt']);
});

test('a failing compute stores nothing and is retried next time', async () => {
  const { memo, events } = await setup();
  await assert.rejects(
    memo('k', { dir: 'u' }, async () => {
      throw new Error('diverged');
    }),
    /diverged/,
  );
  assert.deepEqual(events.map((e) => e.state), ['queued', 'running', 'failed']);
  const retried = await memo('k', { dir: 'u' }, async () => 'fine');
  assert.deepEqual([retried.hit, retried.value], [false, 'fine']);
});

test('a unit that returns nothing is still cached', async () => {
  const { memo } = await setup();
  let computed = 0;
  const compute = async (dir: string): Promise<void> => {
    computed++;
    await writeFile(join(dir, 'only-files'), 'x');
  };
  await memo(['void'], { dir: 'v' }, compute);
  const again = await memo(['void'], { dir: 'v' }, compute);
  assert.deepEqual([again.hit, again.value, computed], [true, undefined, 1]);
});

test('concurrent units never use more slots than the limit', async () => {
  const { memo } = await setup(3);
  let running = 0;
  let peak = 0;
  const unit = (i: number, cpu: number) =>
    memo({ i }, { dir: `units/${i}`, cpu }, async (dir) => {
      // A unit asking for more slots than exist takes all of them.
      const slots = Math.min(cpu, 3);
      running += slots;
      peak = Math.max(peak, running);
      await new Promise((resolve) => setImmediate(resolve));
      await writeFile(join(dir, 'x'), String(i));
      running -= slots;
      return i;
    });
  const results = await Promise.all([...Array.from({ length: 8 }, (_, i) => unit(i, 1)), unit(8, 2), unit(9, 5)]);
  assert.deepEqual(results.map((r) => r.value), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(peak, 3);
});

test('the same key requested twice at once computes once', async () => {
  const { memo } = await setup();
  let computed = 0;
  const compute = async () => ++computed;
  const [a, b] = await Promise.all([memo('same', { dir: 'a' }, compute), memo('same', { dir: 'b' }, compute)]);
  assert.equal(computed, 1);
  assert.deepEqual([a.hit, b.hit, a.value, b.value], [false, true, 1, 1]);
});

test('a unit directory must lie inside the project', async () => {
  const { memo } = await setup();
  for (const dir of ['.', '../elsewhere', '/abs/path']) {
    await assert.rejects(memo('k', { dir }, async () => 1), /project-relative/);
  }
});

test('Semaphore hands out slots in FIFO order and canonicalJson sorts keys', async () => {
  const semaphore = new Semaphore(2);
  const order: string[] = [];
  const wide = semaphore.run(2, async () => order.push('wide'));
  const narrow = semaphore.run(1, async () => order.push('narrow'));
  await Promise.all([wide, narrow]);
  assert.deepEqual(order, ['wide', 'narrow']);
  assert.equal(canonicalJson({ b: [{ d: 1, c: 2 }], a: null }), '{"a":null,"b":[{"c":2,"d":1}]}');
});

test('keys that are not plain JSON are refused, naming the offending part, instead of colliding', async () => {
  const { memo } = await setup();
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;
  const refused: [unknown, RegExp][] = [
    [new Map([['lr', 0.1]]), /key is a Map/],
    [{ started: new Date(0) }, /key\.started is a Date/],
    [{ grid: [1, new Set([2])] }, /key\.grid\[1\] is a Set/],
    [{ model: new (class Backbone {})() }, /key\.model is a Backbone/],
    [undefined, /key is undefined/],
    [() => 1, /key is a function/],
    [{ n: 10n }, /key\.n is a bigint/],
    [[1, Symbol('s')], /key\[1\] is a symbol/],
    [{ 'a b': { f: () => 1 } }, /key\["a b"\]\.f is a function/],
    [circular, /key\.self refers to itself/],
  ];
  for (const [key, message] of refused) {
    await assert.rejects(memo(key, { dir: 'u' }, async () => 1), (error: Error) => {
      assert.match(error.message, /^memo key is not plain JSON: /);
      assert.match(error.message, message);
      return true;
    });
  }
  // What JSON itself leaves out or writes as null is taken as JSON takes it.
  const plain = { a: 1, gone: undefined, nested: Object.create(null), history: [[1, 'pruned', undefined, NaN]], bytes: new Uint8Array([1]) };
  assert.equal((await memo(plain, { dir: 'u' }, async () => 'ok')).value, 'ok');
});

test('units that would write one directory at once are refused instead of storing each other\'s files', async () => {
  const unit = (memo: Awaited<ReturnType<typeof setup>>['memo'], name: string) =>
    memo({ name }, { dir: 'out/shared', label: name }, async (dir) => {
      await writeFile(join(dir, `${name}.txt`), name);
      await new Promise((resolve) => setImmediate(resolve));
      return readdir(dir);
    });
  const parallel = await setup(2);
  const results = await Promise.allSettled([unit(parallel.memo, 'a'), unit(parallel.memo, 'b')]);
  assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected']);
  assert.match(String((results[1] as PromiseRejectedResult).reason), /memo dir "out\/shared" of unit "b" is in use by unit "a"/);
  assert.deepEqual((results[0] as PromiseFulfilledResult<{ value: string[] }>).value.value, ['a.txt']);

  // One at a time (one slot), the same directory is fine: each unit keeps its own files.
  const serial = await setup(1);
  const [a, b] = await Promise.all([unit(serial.memo, 'a'), unit(serial.memo, 'b')]);
  assert.deepEqual([a.value, b.value], [['a.txt'], ['b.txt']]);
  assert.equal((await unit(serial.memo, 'a')).hit, true);
  assert.deepEqual(await readdir(join(serial.root, 'out/shared')), ['a.txt']);
});
