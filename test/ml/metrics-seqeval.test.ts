import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Sample } from '../../stages/lib/data/sample.js';
import { entitiesToSpans, extractEntities } from '../../stages/lib/metrics/entities.js';
import { evaluate } from '../../stages/lib/metrics/seqeval.js';

const close = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) < 1e-3, `${actual} ≉ ${expected}`);

describe('extractEntities', () => {
  it('chunks B/I runs with exclusive ends', () => {
    assert.deepEqual(extractEntities(['B-PER', 'I-PER', 'O', 'B-LOC']), [
      { type: 'PER', start: 0, end: 2 },
      { type: 'LOC', start: 3, end: 4 },
    ]);
  });

  it('is lenient: I-X after O or another type starts an entity, B-X B-X gives two', () => {
    assert.deepEqual(extractEntities(['O', 'I-PER', 'I-PER', 'I-LOC', 'B-LOC', 'B-LOC', 'I-LOC']), [
      { type: 'PER', start: 1, end: 3 },
      { type: 'LOC', start: 3, end: 4 },
      { type: 'LOC', start: 4, end: 5 },
      { type: 'LOC', start: 5, end: 7 },
    ]);
  });

  it('ends a chunk on a type change after B and keeps types with spaces', () => {
    assert.deepEqual(extractEntities(['B-Companies worked at', 'I-Name']), [
      { type: 'Companies worked at', start: 0, end: 1 },
      { type: 'Name', start: 1, end: 2 },
    ]);
    assert.deepEqual(extractEntities([]), []);
    assert.deepEqual(extractEntities(['O', 'O']), []);
  });
});

describe('evaluate', () => {
  it('matches the seqeval documentation example', () => {
    const truth = [['O', 'O', 'B-MISC', 'I-MISC', 'B-MISC', 'O', 'O'], ['B-PER', 'I-PER', 'O']];
    const predicted = [['O', 'O', 'B-MISC', 'I-MISC', 'B-MISC', 'I-MISC', 'O'], ['B-PER', 'I-PER', 'O']];
    const metrics = evaluate(truth, predicted);
    close(metrics.microF1, 2 / 3);
    close(metrics.macroF1, 0.75);
    assert.deepEqual(Object.keys(metrics.perType), ['MISC', 'PER']);
    close(metrics.perType.MISC?.f1 ?? NaN, 0.5);
    close(metrics.perType.PER?.f1 ?? NaN, 1);
    assert.equal(metrics.perType.MISC?.support, 2);
    close(metrics.microPrecision, 2 / 3);
    close(metrics.microRecall, 2 / 3);
    close(metrics.tokenAccuracy, 9 / 10);
  });

  it('counts predicted-only types in the macro average with zero scores', () => {
    const metrics = evaluate([['B-A', 'O']], [['B-A', 'B-B']]);
    assert.deepEqual(metrics.perType.B, { precision: 0, recall: 0, f1: 0, support: 0 });
    close(metrics.macroF1, 0.5);
    close(metrics.microPrecision, 0.5);
    close(metrics.microRecall, 1);
  });

  it('requires exact span and type and gives 0 for empty denominators', () => {
    const metrics = evaluate([['B-A', 'I-A', 'O']], [['B-A', 'O', 'O']]);
    assert.equal(metrics.microF1, 0);
    assert.equal(metrics.perType.A?.precision, 0);
    const empty = evaluate([['O']], [['O']]);
    assert.deepEqual(empty, { microF1: 0, macroF1: 0, microPrecision: 0, microRecall: 0, tokenAccuracy: 1, perType: {} });
    assert.equal(evaluate([], []).tokenAccuracy, 0);
  });

  it('keeps sentences apart: same positions in different sentences are different entities', () => {
    const metrics = evaluate([['B-A'], ['O']], [['O'], ['B-A']]);
    assert.equal(metrics.perType.A?.precision, 0);
    assert.equal(metrics.perType.A?.support, 1);
  });

  it('rejects sequences of different lengths', () => {
    assert.throws(() => evaluate([['O']], [['O', 'O']]), /sequence 0/);
    assert.throws(() => evaluate([['O']], []), /1 true sequences/);
  });
});

describe('entitiesToSpans', () => {
  it('maps token entities to character offsets of the text', () => {
    const sample: Sample = {
      id: 's1',
      text: 'Ana Lima works at Acme Corp.',
      tokens: ['Ana', 'Lima', 'works', 'at', 'Acme', 'Corp', '.'],
      offsets: [[0, 3], [4, 8], [9, 14], [15, 17], [18, 22], [23, 27], [27, 28]],
      tags: ['O', 'O', 'O', 'O', 'O', 'O', 'O'],
    };
    const spans = entitiesToSpans(sample, ['B-NAME', 'I-NAME', 'O', 'O', 'B-COMPANY', 'I-COMPANY', 'O']);
    assert.deepEqual(
      spans.map((span) => [span.type, span.charStart, span.charEnd, span.text]),
      [['NAME', 0, 8, 'Ana Lima'], ['COMPANY', 18, 27, 'Acme Corp']],
    );
    assert.throws(() => entitiesToSpans(sample, ['O']), /1 tags for 7 tokens/);
  });
});
