import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildFromDocuments, datasetFiles, embeddedSource } from '../../stages/lib/data/build-dataset.js';
import { parseDataConfig } from '../../stages/lib/data/config.js';
import type { Sample } from '../../stages/lib/data/sample.js';
import { EMBEDDED_LABELS, generateResumes } from '../../stages/lib/data/generator/resume-generator.js';

describe('embedded resume generator', () => {
  it('is byte-identical for the same seed and differs for another', () => {
    const a = JSON.stringify(generateResumes(40, 7));
    assert.equal(JSON.stringify(generateResumes(40, 7)), a);
    assert.notEqual(JSON.stringify(generateResumes(40, 8)), a);
  });

  it('records spans that match their text and covers every label', () => {
    const docs = generateResumes(60, 3);
    const labels = new Set<string>();
    for (const doc of docs) {
      for (const span of doc.spans) {
        assert.equal(doc.text.slice(span.start, span.end), span.text);
        assert.equal(span.text?.trim(), span.text);
        labels.add(span.label);
      }
    }
    assert.deepEqual([...labels].sort(), [...EMBEDDED_LABELS].sort());
    const layouts = new Set(docs.map((doc) => doc.text.replace(/[\p{L}\p{N}]+/gu, 'w')));
    assert.ok(layouts.size > 50, `only ${layouts.size} distinct layouts in 60 resumes`);
  });

  it('builds the default dataset reproducibly with moderate lengths and no repairs needed', () => {
    const config = parseDataConfig({ source: 'embedded' }, 'resume.yaml');
    const build = () => buildFromDocuments(embeddedSource(config), config, 'resume.yaml', { kind: 'embedded' });
    const dataset = build();
    assert.equal(dataset.splits.train.length, 300);
    assert.equal(dataset.splits.validation.length, 60);
    assert.deepEqual(dataset.labels.entityTypes, [...EMBEDDED_LABELS].sort());
    const lengths = [...dataset.splits.train, ...dataset.splits.validation].map((sample) => sample.tokens.length);
    assert.ok(Math.min(...lengths) >= 30 && Math.max(...lengths) <= 220, `lengths ${Math.min(...lengths)}..${Math.max(...lengths)}`);
    assert.ok(Object.values(dataset.stats.repairs).every((count) => count === 0), JSON.stringify(dataset.stats.repairs));
    assert.deepEqual(datasetFiles(build()), datasetFiles(dataset));
    for (const type of EMBEDDED_LABELS) assert.ok((dataset.stats.splits.validation?.perType[type] ?? 0) > 0, type);
  });
});

describe('embedded source with a test fraction', () => {
  const ids = (samples: readonly Sample[] | undefined) => (samples ?? []).map((sample) => sample.id);
  const build = (split: Record<string, number>) => {
    const config = parseDataConfig({ source: 'embedded', seed: 5, size: { train: 40, validation: 10 }, split }, 'resume.yaml');
    return buildFromDocuments(embeddedSource(config), config, 'resume.yaml', { kind: 'embedded' });
  };

  it('holds the fraction out of each generated split: disjoint, complete and deterministic', () => {
    const dataset = build({ test: 0.2, seed: 3 });
    const { train, validation, test } = dataset.splits;
    assert.equal(train.length, 32);
    assert.equal(validation.length, 8);
    assert.equal(test?.length, 10);
    const all = [...ids(train), ...ids(validation), ...ids(test)];
    assert.equal(new Set(all).size, 50, 'a resume is in two splits');
    assert.deepEqual([...all].sort(), generateResumes(50, 5).map((doc) => doc.id).sort());
    // train resumes come from the generated train part, validation ones from the validation part
    assert.ok(ids(train).every((id) => id <= 'resume-00040') && ids(validation).every((id) => id > 'resume-00040'));
    assert.equal(ids(test).filter((id) => id > 'resume-00040').length, 2);
    assert.equal(dataset.stats.splits.test?.samples, 10);
    const files = datasetFiles(dataset);
    assert.ok(files['test.json']?.includes(ids(test)[0] as string));
    assert.deepEqual(datasetFiles(build({ test: 0.2, seed: 3 })), files);
  });

  it('another split seed picks other test resumes; no fraction writes no test split', () => {
    assert.notDeepEqual(ids(build({ test: 0.2, seed: 4 }).splits.test), ids(build({ test: 0.2, seed: 3 }).splits.test));
    const plain = build({});
    assert.equal(plain.splits.test, undefined);
    assert.equal(plain.splits.train.length, 40);
    assert.equal(datasetFiles(plain)['test.json'], undefined);
  });
});
