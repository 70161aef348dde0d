import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SpanDocument, TokenDocument } from '../../stages/lib/data/documents.js';
import { DatasetError } from '../../stages/lib/data/errors.js';
import { parseConll } from '../../stages/lib/data/formats/conll.js';
import { parseDataturks } from '../../stages/lib/data/formats/dataturks.js';
import { detectFormat, parseDocuments } from '../../stages/lib/data/formats/index.js';
import { parseJsonlTokens } from '../../stages/lib/data/formats/jsonl-tokens.js';
import { parseKaggleJson } from '../../stages/lib/data/formats/kaggle-json.js';
import { emptyRepairCounts } from '../../stages/lib/data/repair-counts.js';

const spanTexts = (doc: SpanDocument): string[] => doc.spans.map((span) => doc.text.slice(span.start, span.end));

describe('kaggle-json', () => {
  it('converts Python code-point offsets to UTF-16 after astral characters', () => {
    const content = JSON.stringify([{ text: '😀😀 Ana at Acme', annotations: [[3, 6, 'PERSON'], [10, 14, 'COMPANY']] }]);
    const [doc] = parseKaggleJson(content, 'train.json').documents;
    assert.ok(doc);
    assert.deepEqual(spanTexts(doc), ['Ana', 'Acme']);
  });

  it('tolerates lone surrogate escapes and annotations given as a JSON string', () => {
    const content = '[{"text": "\\uD83D Bo \\uD83D\\uDE00 Li", "annotations": "[[2, 4, \\"PERSON\\"], [7, 9, \\"PERSON\\"]]"}]';
    const { documents, loneSurrogatesReplaced } = parseKaggleJson(content, 'train.json');
    assert.equal(loneSurrogatesReplaced, 1);
    const [doc] = documents;
    assert.ok(doc);
    assert.equal(doc.text, '\uFFFD Bo 😀 Li');
    assert.deepEqual(spanTexts(doc), ['Bo', 'Li']);
  });

  it('reports malformed JSON with its line and a bad record by number', () => {
    assert.throws(() => parseKaggleJson('[\n{"text": "a", "annotations": []},\n{"text": }\n]', 'k.json'), (error: unknown) => {
      assert.ok(error instanceof DatasetError);
      assert.match(error.message, /^k\.json:3: malformed JSON/);
      return true;
    });
    assert.throws(() => parseKaggleJson('[{"text": 1}]', 'k.json'), /k\.json record 1: expected an object/);
    assert.throws(() => parseKaggleJson('[{"text": "a", "annotations": [[0, "x"]]}]', 'k.json'), /record 1: annotation \[0,"x"\]/);
  });
});

describe('dataturks', () => {
  it('reads JSON lines with inclusive ends, all labels of a point and the recorded text', () => {
    const line = JSON.stringify({
      content: 'Abhishek Jha\nEngineer',
      annotation: [
        { label: ['Name'], points: [{ start: 0, end: 11, text: 'Abhishek Jha' }] },
        { label: [], points: [{ start: 13, end: 20, text: 'Engineer' }] },
      ],
      extras: null,
    });
    const [doc] = parseDataturks(`${line}\n\n`, 'resumes.jsonl');
    assert.ok(doc);
    assert.deepEqual(doc.spans, [
      { start: 0, end: 12, label: 'Name', text: 'Abhishek Jha' },
      { start: 13, end: 21, label: '', text: 'Engineer' },
    ]);
    assert.equal(doc.where, 'resumes.jsonl:1');
  });

  it('names the file and line of a malformed line', () => {
    const good = JSON.stringify({ content: 'x', annotation: [] });
    assert.throws(() => parseDataturks(`${good}\n{"content": "y",\n`, 'r.jsonl'), /^DatasetError: r\.jsonl:2: malformed line/);
    assert.throws(() => parseDataturks(`${good}\n${good}\n{"text": "y"}`, 'r.jsonl'), /r\.jsonl:3: malformed line/);
  });
});

describe('conll', () => {
  it('ends sentences on any whitespace-only line, including a lone TAB', () => {
    const docs = parseConll('-DOCSTART- O\n\nAna\tB-person\nLima\tI-person\n\t\nin O\nRio\tB-location\n   \n\n', 'x.conll', 'train');
    assert.deepEqual(
      docs.map((doc: TokenDocument) => [doc.id, doc.where, doc.tokens, doc.tags]),
      [
        ['train-00001', 'x.conll:3', ['Ana', 'Lima'], ['B-person', 'I-person']],
        ['train-00002', 'x.conll:6', ['in', 'Rio'], ['O', 'B-location']],
      ],
    );
  });

  it('names the line of a token without a valid tag', () => {
    assert.throws(() => parseConll('a\tO\nb\n', 'x.conll'), /x\.conll:2: malformed line "b"/);
    assert.throws(() => parseConll('a\tO\n\nb\tPERSON\n', 'x.conll'), /x\.conll:3: malformed line/);
  });
});

describe('jsonl-tokens', () => {
  it('reads tokens and tags and rejects length mismatches with the line', () => {
    const docs = parseJsonlTokens('{"tokens": ["a", "b"], "tags": ["B-X", "O"]}\n', 't.jsonl');
    assert.deepEqual(docs[0]?.tokens, ['a', 'b']);
    assert.throws(() => parseJsonlTokens('\n{"tokens": ["a"], "tags": []}', 't.jsonl'), /t\.jsonl:2: 1 tokens but 0 tags/);
  });
});

describe('format detection', () => {
  it('recognises each format from its content', () => {
    assert.equal(detectFormat(' [{"text": "a", "annotations": []}]', 'data.json'), 'kaggle-json');
    assert.equal(detectFormat('{"text": "a", "annotations": []}\n', 'data.jsonl'), 'kaggle-json');
    assert.equal(detectFormat('{"content": "a", "annotation": []}\n', 'data.json'), 'dataturks');
    assert.equal(detectFormat('{"tokens": [], "tags": []}\n', 'data.jsonl'), 'jsonl-tokens');
    assert.equal(detectFormat('Ana\tB-PER\n', 'data'), 'conll');
    assert.equal(detectFormat('anything', 'train.conll'), 'conll');
  });

  it('lists the known formats when it cannot tell', () => {
    assert.throws(() => detectFormat('hello world', 'notes'), /notes: cannot detect.*kaggle-json, dataturks, conll, jsonl-tokens/);
  });

  it('prefixes document ids with the split name', () => {
    const docs = parseDocuments('kaggle-json', '[{"text": "a", "annotations": []}]', 'k.json', 'validation', emptyRepairCounts());
    assert.equal(docs[0]?.id, 'validation-00001');
  });
});
