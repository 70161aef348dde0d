import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diffMetrics } from '../../src/metrics/diff-metrics.js';
import { metricsDiffJson, renderMetricsDiff } from '../../src/metrics/render-metrics-diff.js';

const old = { 'm.json': { loss: 0.5, acc: 0.8, model: 'a', gone: 1 } };
const current = { 'm.json': { loss: 0.4, acc: 0.8, model: 'b', added: 2 } };

test('only changed keys, with absolute and relative change for numbers', () => {
  assert.deepEqual(diffMetrics(old, current, { all: false }), [
    { path: 'm.json', key: 'loss', old: 0.5, new: 0.4, change: -0.1, changePct: -20 },
    { path: 'm.json', key: 'model', old: 'a', new: 'b' },
    { path: 'm.json', key: 'added', new: 2 },
    { path: 'm.json', key: 'gone', old: 1 },
  ]);
});

test('--all lists unchanged keys too; a zero old value has no relative change', () => {
  const changes = diffMetrics({ 'm.json': { acc: 0.8, n: 0 } }, { 'm.json': { acc: 0.8, n: 3 } }, { all: true });
  assert.deepEqual(changes, [
    { path: 'm.json', key: 'acc', old: 0.8, new: 0.8, change: 0, changePct: 0 },
    { path: 'm.json', key: 'n', old: 0, new: 3, change: 3 },
  ]);
});

test('a whole file that appeared or disappeared', () => {
  assert.deepEqual(diffMetrics({ 'a.json': { x: 1 } }, { 'b.json': { y: 2 } }, { all: false }), [
    { path: 'b.json', key: 'y', new: 2 },
    { path: 'a.json', key: 'x', old: 1 },
  ]);
});

test('rendered as an aligned table and as JSON', () => {
  const changes = diffMetrics(old, current, { all: false });
  assert.equal(
    renderMetricsDiff(changes),
    [
      'Path    Key    Old  New  Change',
      'm.json  loss   0.5  0.4  -0.1 (-20%)',
      'm.json  model  a    b    changed',
      'm.json  added  -    2    added',
      'm.json  gone   1    -    removed',
      '',
    ].join('\n'),
  );
  assert.deepEqual(Object.keys(metricsDiffJson(changes)['m.json'] ?? {}), ['loss', 'model', 'added', 'gone']);
  assert.deepEqual(metricsDiffJson(changes)['m.json']?.added, { new: 2 });
});

test('the change is exact to the decimals of the values, not binary floating-point noise', () => {
  const [change] = diffMetrics({ 'm.json': { f1: 0.1, big: 1e-7 } }, { 'm.json': { f1: 0.3, big: 3e-7 } }, { all: false });
  assert.equal(0.3 - 0.1, 0.19999999999999998, 'the noise this guards against');
  assert.deepEqual(change, { path: 'm.json', key: 'f1', old: 0.1, new: 0.3, change: 0.2, changePct: 200 });
  assert.equal(diffMetrics({ 'm.json': { x: 1e-7 } }, { 'm.json': { x: 3e-7 } }, { all: false })[0]?.change, 2e-7);
  assert.equal(diffMetrics({ 'm.json': { x: 0.49 } }, { 'm.json': { x: 0.6 } }, { all: false })[0]?.change, 0.11);
  assert.equal(diffMetrics({ 'm.json': { n: 120 } }, { 'm.json': { n: 7 } }, { all: false })[0]?.change, -113);
});
