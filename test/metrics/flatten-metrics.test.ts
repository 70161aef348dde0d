import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flattenMetrics } from '../../src/metrics/flatten-metrics.js';
import { parseMetricsText } from '../../src/metrics/read-metrics-file.js';

test('nested objects become dotted keys, in document order', () => {
  assert.deepEqual(flattenMetrics({ loss: 0.2, validation: { macro_f1: 0.8, by_type: { person: 0.9 } } }), {
    loss: 0.2,
    'validation.macro_f1': 0.8,
    'validation.by_type.person': 0.9,
  });
});

test('booleans, strings and null are kept as they are', () => {
  assert.deepEqual(flattenMetrics({ converged: true, model: 'bilstm', best_epoch: null }), { converged: true, model: 'bilstm', best_epoch: null });
});

test('arrays are skipped, the scalars around them kept', () => {
  assert.deepEqual(flattenMetrics({ history: [0.5, 0.4], val: { curve: [{ x: 1 }], f1: 0.7 } }), { 'val.f1': 0.7 });
});

test('a document that is not an object has no keys', () => {
  assert.deepEqual(flattenMetrics(0.5), {});
  assert.deepEqual(flattenMetrics([1, 2]), {});
  assert.deepEqual(flattenMetrics(null), {});
});

test('YAML and JSON metrics parse by extension; syntax errors are values', async () => {
  assert.deepEqual(await parseMetricsText('f1: 0.7\nthreshold:\n  best: 0.5\n', 'eval.yaml'), { kind: 'values', values: { f1: 0.7, 'threshold.best': 0.5 } });
  assert.deepEqual(await parseMetricsText('{"a": {"b": 1}}', 'm.json'), { kind: 'values', values: { 'a.b': 1 } });
  assert.equal((await parseMetricsText('{"a":', 'm.json')).kind, 'unreadable');
  assert.equal((await parseMetricsText('a: [1,\n', 'm.yml')).kind, 'unreadable');
});
