import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { readMetricsSnapshots, recordMetricsSnapshot } from '../../src/metrics/metrics-snapshots.js';

const roots: string[] = [];
after(() => Promise.all(roots.map((root) => rm(root, { recursive: true, force: true }))));

async function freshRoot(): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'dagmake-metrics-'));
  roots.push(root);
  return root;
}

test('keeps the last two snapshots, rotating only when the values changed', async () => {
  const root = await freshRoot();
  assert.deepEqual(await readMetricsSnapshots(root), {});
  assert.equal(await recordMetricsSnapshot(root, { 'm.json': { f1: 0.5 } }, new Date(1000)), true);
  assert.equal(await recordMetricsSnapshot(root, { 'm.json': { f1: 0.5 } }, new Date(2000)), false);
  let snapshots = await readMetricsSnapshots(root);
  assert.deepEqual(snapshots.latest?.metrics, { 'm.json': { f1: 0.5 } });
  assert.equal(snapshots.previous, undefined);

  await recordMetricsSnapshot(root, { 'm.json': { f1: 0.6 } }, new Date(3000));
  await recordMetricsSnapshot(root, { 'm.json': { f1: 0.7 } }, new Date(4000));
  snapshots = await readMetricsSnapshots(root);
  assert.deepEqual(snapshots.latest?.metrics, { 'm.json': { f1: 0.7 } });
  assert.deepEqual(snapshots.previous?.metrics, { 'm.json': { f1: 0.6 } });
  assert.equal(snapshots.previous?.time, new Date(3000).toISOString());
  assert.deepEqual((await readdir(path.join(root, '.dagmake', 'metrics'))).sort(), ['latest.json', 'previous.json']);
});

test('key order does not count as a change', async () => {
  const root = await freshRoot();
  await recordMetricsSnapshot(root, { 'm.json': { a: 1, b: 2 } }, new Date(1000));
  assert.equal(await recordMetricsSnapshot(root, { 'm.json': { b: 2, a: 1 } }, new Date(2000)), false);
});

test('a snapshot that cannot be written leaves the earlier ones as they were', async () => {
  const root = await freshRoot();
  await recordMetricsSnapshot(root, { 'm.json': { f1: 0.5 } }, new Date(1000));
  await recordMetricsSnapshot(root, { 'm.json': { f1: 0.6 } }, new Date(2000));
  // What stands where the new snapshot is written first makes that write fail, as a full disk would.
  await mkdir(path.join(root, '.dagmake', 'metrics', 'next.json'));
  await assert.rejects(recordMetricsSnapshot(root, { 'm.json': { f1: 0.7 } }, new Date(3000)));
  const snapshots = await readMetricsSnapshots(root);
  assert.deepEqual(snapshots.latest?.metrics, { 'm.json': { f1: 0.6 } });
  assert.deepEqual(snapshots.previous?.metrics, { 'm.json': { f1: 0.5 } });
});
