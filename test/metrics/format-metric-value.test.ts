import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alignColumns } from '../../src/metrics/align-columns.js';
import { formatChange, formatMetricValue, formatNumber } from '../../src/metrics/format-metric-value.js';

test('numbers keep at most 6 significant digits and lose float noise', () => {
  assert.equal(formatNumber(0.873456789), '0.873457');
  assert.equal(formatNumber(0.9 - 0.8), '0.1');
  assert.equal(formatNumber(0.5), '0.5');
  assert.equal(formatNumber(123456.789), '123457');
  assert.equal(formatNumber(1.234567e-7), '1.23457e-7');
});

test('integers are shown whole', () => {
  assert.equal(formatNumber(12345678), '12345678');
  assert.equal(formatNumber(-3), '-3');
});

test('other values are shown as they are; an absent one as -', () => {
  assert.equal(formatMetricValue(true), 'true');
  assert.equal(formatMetricValue('bilstm'), 'bilstm');
  assert.equal(formatMetricValue(null), 'null');
  assert.equal(formatMetricValue(undefined), '-');
});

test('changes are signed, with the relative change in percent', () => {
  assert.equal(formatChange(0.05, 6.25), '+0.05 (+6.25%)');
  assert.equal(formatChange(-0.1, -12.3456), '-0.1 (-12.3%)');
  assert.equal(formatChange(2, undefined), '+2');
  assert.equal(formatChange(0, 0), '0 (0%)');
  assert.equal(formatChange(undefined, undefined), '-');
});

test('columns are padded to the widest cell, with no trailing spaces', () => {
  assert.deepEqual(alignColumns([['Path', 'Key', 'Value'], ['a.json', 'validation.f1', '0.8']], '  '), [
    '  Path    Key            Value',
    '  a.json  validation.f1  0.8',
  ]);
});
