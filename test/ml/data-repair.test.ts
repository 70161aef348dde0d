import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RawSpan } from '../../stages/lib/data/documents.js';
import { DatasetError } from '../../stages/lib/data/errors.js';
import { buildLabelSet, resolveLabel, type LabelRules } from '../../stages/lib/data/labels.js';
import { normaliseDocument, spansToTags } from '../../stages/lib/data/normalise.js';
import { emptyRepairCounts } from '../../stages/lib/data/repair-counts.js';
import { repairSpans, type RepairPolicy } from '../../stages/lib/data/repair-spans.js';
import { splitBySeed, splitParts } from '../../stages/lib/data/split.js';

const policy: RepairPolicy = { mismatch: 'relocate', overlap: 'longest' };
const identity = (label: string): string => label;

function repair(text: string, spans: RawSpan[], p: RepairPolicy = policy) {
  const counts = emptyRepairCounts();
  const clean = repairSpans(text, spans, identity, p, counts);
  return { texts: clean.map((span) => `${span.type}:${text.slice(span.start, span.end)}`), counts };
}

describe('repairSpans', () => {
  it('clips offsets past the text and drops spans entirely outside it', () => {
    const { texts, counts } = repair('Ana Lima', [
      { start: 4, end: 20, label: 'A' },
      { start: 8, end: 12, label: 'B' },
      { start: 3, end: 3, label: 'C' },
    ]);
    assert.deepEqual(texts, ['A:Lima']);
    assert.equal(counts.outOfBoundsClipped, 1);
    assert.equal(counts.outOfBoundsDropped, 2);
  });

  it('trims whitespace and drops whitespace-only spans', () => {
    const { texts, counts } = repair(' Ana \n Lima\n', [
      { start: 0, end: 5, label: 'N' },
      { start: 4, end: 6, label: 'X' },
    ]);
    assert.deepEqual(texts, ['N:Ana']);
    assert.equal(counts.whitespaceTrimmed, 1);
    assert.equal(counts.whitespaceOnlyDropped, 1);
  });

  it('relocates a span whose offsets miss its text to the nearest occurrence, or drops it', () => {
    const text = 'Java at Acme; later Java at Beta';
    const spans: RawSpan[] = [
      { start: 22, end: 26, label: 'S', text: 'Java' },
      { start: 0, end: 4, label: 'S', text: 'Python' },
    ];
    const relocated = repair(text, spans);
    assert.deepEqual(relocated.texts, ['S:Java']);
    assert.equal(relocated.counts.mismatchRelocated, 1);
    assert.equal(relocated.counts.mismatchDropped, 1);
    const starts = repairSpans(text, spans, identity, policy, emptyRepairCounts()).map((span) => span.start);
    assert.deepEqual(starts, [20]);
    const dropped = repair(text, spans, { ...policy, mismatch: 'drop' });
    assert.deepEqual(dropped.texts, []);
    assert.equal(dropped.counts.mismatchDropped, 2);
  });

  it('resolves overlaps by keeping the longest or the first span, and removes duplicates', () => {
    const text = 'Senior Java Developer';
    const spans: RawSpan[] = [
      { start: 7, end: 11, label: 'SKILL' },
      { start: 0, end: 21, label: 'DESIG' },
      { start: 7, end: 11, label: 'SKILL' },
    ];
    const longest = repair(text, spans);
    assert.deepEqual(longest.texts, ['DESIG:Senior Java Developer']);
    assert.equal(longest.counts.duplicateDropped, 1);
    assert.equal(longest.counts.overlapDropped, 1);
    const first = repair(text, [{ start: 7, end: 21, label: 'B' }, { start: 0, end: 11, label: 'A' }], { ...policy, overlap: 'first' });
    assert.deepEqual(first.texts, ['A:Senior Java']);
  });
});

describe('labels', () => {
  const rules: LabelRules = { map: { 'Companies worked at': 'COMPANY', UNKNOWN: null }, strict: false, configFile: 'c.yaml' };

  it('maps, drops null-mapped and empty labels, and filters by keep', () => {
    assert.deepEqual(resolveLabel('Companies worked at', rules, 'f:1'), { type: 'COMPANY' });
    assert.deepEqual(resolveLabel('Skills', rules, 'f:1'), { type: 'Skills' });
    assert.deepEqual(resolveLabel('UNKNOWN', rules, 'f:1'), { drop: 'unknownLabel' });
    assert.deepEqual(resolveLabel('  ', rules, 'f:1'), { drop: 'emptyLabel' });
    assert.deepEqual(resolveLabel('Skills', { ...rules, keep: ['COMPANY'] }, 'f:1'), { drop: 'unknownLabel' });
  });

  it('rejects a label missing from the map under strict mode, naming where and the config', () => {
    assert.throws(
      () => resolveLabel('Skills', { ...rules, strict: true }, 'data.jsonl:7'),
      (error: unknown) =>
        error instanceof DatasetError && /^data\.jsonl:7: label "Skills" is not in labels\.map of c\.yaml/.test(error.message),
    );
    assert.deepEqual(resolveLabel('SKILLS', { ...rules, strict: true, keep: ['SKILLS'] }, 'f:1'), { type: 'SKILLS' });
  });

  it('builds a sorted label set with O first', () => {
    assert.deepEqual(buildLabelSet(['NAME', 'EMAIL', 'NAME']), {
      entityTypes: ['EMAIL', 'NAME'],
      tags: ['O', 'B-EMAIL', 'I-EMAIL', 'B-NAME', 'I-NAME'],
    });
  });
});

describe('normaliseDocument', () => {
  const options = { labels: { map: { Name: 'NAME' }, strict: false, configFile: 'c.yaml' }, repair: policy };

  it('tokenises span documents and tags them IOB2', () => {
    const counts = emptyRepairCounts();
    const sample = normaliseDocument(
      { kind: 'spans', id: 'd1', where: 'f:1', text: 'Ana Lima, ana@x.io', spans: [{ start: 0, end: 9, label: 'Name' }, { start: 10, end: 18, label: 'EMAIL' }] },
      options,
      counts,
    );
    assert.deepEqual(sample.tokens, ['Ana', 'Lima', ',', 'ana@x.io']);
    assert.deepEqual(sample.tags, ['B-NAME', 'I-NAME', 'I-NAME', 'B-EMAIL']);
    assert.equal(counts.whitespaceTrimmed, 0);
  });

  it('maps token tags and repairs entities that open with I-', () => {
    const counts = emptyRepairCounts();
    const sample = normaliseDocument(
      { kind: 'tokens', id: 't1', where: 'f:3', tokens: ['Ana', 'Lima', 'in', 'Rio'], tags: ['I-Name', 'I-Name', 'O', 'B-LOC'] },
      { ...options, labels: { ...options.labels, keep: ['NAME'] } },
      counts,
    );
    assert.equal(sample.text, 'Ana Lima in Rio');
    assert.deepEqual(sample.tags, ['B-NAME', 'I-NAME', 'O', 'O']);
    assert.equal(counts.iobRepaired, 1);
    assert.equal(counts.unknownLabel, 1);
  });

  it('spansToTags skips a span whose tokens are already taken', () => {
    const counts = emptyRepairCounts();
    const tags = spansToTags([[0, 5]], [{ start: 0, end: 2, type: 'A' }, { start: 3, end: 5, type: 'B' }], counts);
    assert.deepEqual(tags, ['B-A']);
    assert.equal(counts.sharedTokenDropped, 1);
  });
});

describe('splitBySeed', () => {
  const items = Array.from({ length: 100 }, (_, i) => i);

  it('is deterministic, keeps order and sizes the validation part', () => {
    const a = splitBySeed(items, 0.15, 13);
    assert.deepEqual(a, splitBySeed(items, 0.15, 13));
    assert.equal(a.validation.length, 15);
    assert.equal(a.train.length, 85);
    assert.deepEqual([...a.validation].sort((x, y) => x - y), a.validation);
    assert.deepEqual([...a.train, ...a.validation].sort((x, y) => x - y), items);
    assert.notDeepEqual(splitBySeed(items, 0.15, 14).validation, a.validation);
  });

  it('keeps at least one sample on each side', () => {
    assert.equal(splitBySeed([1, 2], 0.01, 1).validation.length, 1);
    assert.equal(splitBySeed([1], 0.5, 1).train.length, 1);
    assert.equal(splitBySeed(items, 0, 1).validation.length, 0);
  });
});

describe('splitParts', () => {
  const items = Array.from({ length: 100 }, (_, i) => i);

  it('adds a disjoint, ordered test part and leaves validation as splitBySeed chooses it', () => {
    const parts = splitParts(items, { validation: 0.15, test: 0.1 }, 13);
    assert.deepEqual(parts, splitParts(items, { validation: 0.15, test: 0.1 }, 13));
    assert.equal(parts.validation.length, 15);
    assert.equal(parts.test.length, 10);
    assert.equal(parts.train.length, 75);
    assert.deepEqual(parts.validation, splitBySeed(items, 0.15, 13).validation);
    assert.deepEqual([...parts.test].sort((x, y) => x - y), parts.test);
    assert.deepEqual([...parts.train, ...parts.validation, ...parts.test].sort((x, y) => x - y), items);
    assert.deepEqual(splitParts(items, { validation: 0.15 }, 13).test, []);
  });

  it('always leaves one item for training', () => {
    assert.deepEqual(splitParts([1, 2, 3], { validation: 0.01, test: 0.01 }, 1).train.length, 1);
    const two = splitParts([1, 2], { validation: 0.5, test: 0.5 }, 1);
    assert.equal(two.train.length, 1);
    assert.equal(two.validation.length + two.test.length, 1);
  });
});
