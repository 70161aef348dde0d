import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import runDataset, { runDatasetStage } from '../../stages/dataset.js';
import { runTinyStage } from '../../stages/tiny.js';
import { DatasetError } from '../../stages/lib/data/errors.js';
import type { LabelSet, Sample } from '../../stages/lib/data/sample.js';
import { createTestContext } from './data-stage-context.js';

let root: string;

async function writeProjectFile(relative: string, content: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, relative)), { recursive: true });
  await writeFile(path.join(root, relative), content);
}

const readJson = async <T>(relative: string): Promise<T> => JSON.parse(await readFile(path.join(root, relative), 'utf8')) as T;

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'dataset-stage-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('dataset stage', () => {
  it('writes train, validation, labels and stats from the embedded source', async () => {
    await writeProjectFile('config/data/resume.yaml', 'source: embedded\nseed: 5\nsize: {train: 30, validation: 6}\n');
    const ctx = createTestContext(root);
    await runDataset(ctx);
    assert.deepEqual((await readdir(path.join(root, 'outputs/dataset'))).sort(), ['labels.json', 'stats.json', 'train.json', 'validation.json']);
    const train = await readJson<Sample[]>('outputs/dataset/train.json');
    const labels = await readJson<LabelSet>('outputs/dataset/labels.json');
    const stats = await readJson<{ seed: number; splits: Record<string, { samples: number }>; source: { kind: string } }>('outputs/dataset/stats.json');
    assert.equal(train.length, 30);
    assert.equal(labels.tags[0], 'O');
    assert.ok(train.every((sample) => sample.tags.every((tag) => labels.tags.includes(tag))));
    assert.equal(stats.seed, 5);
    assert.equal(stats.splits.validation?.samples, 6);
    assert.equal(stats.source.kind, 'embedded');
    assert.equal(ctx.metrics.train_samples, 30);
    assert.deepEqual((await readdir(path.join(root, 'outputs'))).sort(), ['dataset']);
  });

  it('reads a DataTurks file named in with.config, repairs and splits it, and writes with.out', async () => {
    const lines = Array.from({ length: 10 }, (_, i) =>
      JSON.stringify({
        content: `Name ${i}\nWorked at Acme ${i} `,
        annotation: [
          { label: ['Name'], points: [{ start: 0, end: 6, text: `Name ${i}` }] },
          { label: ['Companies worked at'], points: [{ start: 17, end: 24, text: `Acme ${i} ` }] },
          { label: ['UNKNOWN'], points: [{ start: 0, end: 3, text: 'Name' }] },
        ],
      }),
    );
    await writeProjectFile('data/r.jsonl', `${lines.join('\n')}\n`);
    await writeProjectFile(
      'config/data/dt.yaml',
      'source: file\npath: data/r.jsonl\nlabels:\n  map: {Name: NAME, "Companies worked at": COMPANY, UNKNOWN: null}\n  strict: true\nsplit: {validation: 0.2, seed: 1}\n',
    );
    const { stats } = await runDatasetStage(createTestContext(root, { config: 'config/data/dt.yaml', out: 'outputs/dt' }));
    assert.equal(stats.splits.train?.samples, 8);
    assert.equal(stats.splits.validation?.samples, 2);
    assert.deepEqual(stats.splits.train?.perType, { COMPANY: 8, NAME: 8 });
    assert.equal(stats.repairs.whitespaceTrimmed, 10);
    assert.equal(stats.repairs.unknownLabel, 10);
    const [first] = await readJson<Sample[]>('outputs/dt/train.json');
    assert.deepEqual(first?.tags, ['B-NAME', 'I-NAME', 'O', 'O', 'B-COMPANY', 'I-COMPANY']);
  });

  it('holds a test split out of a single file when split.test is set', async () => {
    await writeProjectFile('config/data/dt-test.yaml', 'source: file\npath: data/r.jsonl\nformat: dataturks\nlabels: {map: {Name: NAME, "Companies worked at": COMPANY, UNKNOWN: null}}\nsplit: {validation: 0.2, test: 0.3, seed: 1}\n');
    const { stats } = await runDatasetStage(createTestContext(root, { config: 'config/data/dt-test.yaml', out: 'outputs/dt-test' }));
    assert.deepEqual([stats.splits.train?.samples, stats.splits.validation?.samples, stats.splits.test?.samples], [5, 2, 3]);
    const splits = await Promise.all(['train', 'validation', 'test'].map((split) => readJson<Sample[]>(`outputs/dt-test/${split}.json`)));
    const ids = splits.flat().map((sample) => sample.id);
    assert.equal(new Set(ids).size, 10);
    const dt = await Promise.all(['train', 'validation'].map((split) => readJson<Sample[]>(`outputs/dt/${split}.json`)));
    assert.deepEqual(splits[1]?.map((s) => s.id), dt[1]?.map((s) => s.id), 'the same seed and validation fraction keep the same validation part');
  });

  it('fails cleanly and leaves the previous output untouched', async () => {
    const before = await readFile(path.join(root, 'outputs/dataset/train.json'), 'utf8');
    const cases: [string, RegExp][] = [
      ['source: file\npath: data/bad.jsonl\nformat: dataturks\n', /data\/bad\.jsonl:2: malformed line/],
      ['source: file\npath: data/bad.jsonl\nformat: csv\n', /unknown format "csv"; known formats: auto, kaggle-json, dataturks, conll, jsonl-tokens/],
      ['source: file\npath: data/empty.json\n', /data\/empty\.json: the dataset is empty/],
      ['source: file\npath: data/r.jsonl\nlabels: {strict: true, map: {Name: NAME}}\n', /data\/r\.jsonl:1: label "Companies worked at" is not in labels\.map/],
      ['source: file\npath: data/missing.json\n', /data\/missing\.json: cannot read the data file \(ENOENT/],
      ['source: file\npath: data/r.jsonl\nsha256: "' + '0'.repeat(64) + '"\n', /sha256 mismatch: expected 0{64}.*got [0-9a-f]{64}/],
      ['source: embeded\n', /bad\.yaml: invalid data config: source/],
      ['source: file\nfiles: {train: data/r.jsonl, test: data/r.jsonl}\nsplit: {test: 0.2}\n', /split\.test holds a test split out, but files\.test already gives one/],
      ['source: embedded\nsplit: {validation: 0.5, test: 0.5}\n', /split: validation \+ test must be at most 0\.9/],
    ];
    await writeProjectFile('data/bad.jsonl', '{"content": "a", "annotation": []}\n{"content": \n');
    await writeProjectFile('data/empty.json', '[]');
    for (const [yaml, expected] of cases) {
      await writeProjectFile('config/data/bad.yaml', yaml);
      await assert.rejects(runDatasetStage(createTestContext(root, { config: 'config/data/bad.yaml' })), (error: unknown) => {
        assert.ok(error instanceof DatasetError, String(error));
        assert.match(error.message, expected);
        return true;
      });
    }
    assert.equal(await readFile(path.join(root, 'outputs/dataset/train.json'), 'utf8'), before);
    assert.deepEqual((await readdir(path.join(root, 'outputs'))).sort(), ['dataset', 'dt', 'dt-test']);
  });
});

describe('tiny stage', () => {
  it('picks short samples covering the label set, deterministically', async () => {
    await writeProjectFile('config/data/resume_tiny.yaml', 'train: 4\nvalidation: 2\n');
    const ctx = createTestContext(root);
    const { train, validation } = await runTinyStage(ctx);
    assert.equal(train.length, 4);
    assert.equal(validation.length, 2);
    const labels = await readJson<LabelSet>('outputs/dataset_tiny/labels.json');
    assert.deepEqual(labels, await readJson<LabelSet>('outputs/dataset/labels.json'));
    const covered = new Set(train.flatMap((sample) => sample.tags.filter((t) => t !== 'O').map((t) => t.slice(2))));
    assert.equal(covered.size, labels.entityTypes.length);
    const all = await readJson<Sample[]>('outputs/dataset/train.json');
    const median = [...all.map((s) => s.tokens.length)].sort((a, b) => a - b)[all.length >> 1] as number;
    assert.ok(train.every((sample) => sample.tokens.length <= median * 1.5));
    assert.deepEqual(await readJson<Sample[]>('outputs/dataset_tiny/train.json'), train);
    assert.deepEqual((await runTinyStage(ctx)).train, train);
  });

  it('asks for the dataset stage when its input is missing', async () => {
    await writeProjectFile('config/data/resume_tiny.yaml', 'from: outputs/nothing\n');
    await assert.rejects(runTinyStage(createTestContext(root)), /outputs\/nothing\/train\.json: cannot read it\. Run the dataset stage first/);
  });
});
