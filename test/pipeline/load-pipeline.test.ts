import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { formatDiagnostic } from '../../src/errors.js';
import { loadPipeline } from '../../src/pipeline/load-pipeline.js';
import type { Pipeline, StageDef } from '../../src/pipeline/types.js';

const dirs: string[] = [];
after(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

async function project(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dagmake-pipeline-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  return dir;
}

async function load(pipeline: string, extra: Record<string, string> = {}): Promise<Pipeline> {
  const dir = await project({ 'pipeline.yaml': pipeline, ...extra });
  const result = await loadPipeline(path.join(dir, 'pipeline.yaml'), { displayPath: 'pipeline.yaml' });
  if (!result.ok) assert.fail(result.error.map(formatDiagnostic).join('\n'));
  return result.value;
}

const stage = (pipeline: Pipeline, name: string): StageDef => {
  const found = pipeline.stages.find((s) => s.name === name);
  assert.ok(found, `no stage ${name} in ${pipeline.stages.map((s) => s.name).join(', ')}`);
  return found;
};

describe('loadPipeline', () => {
  test('fills in defaults and records where the stage is', async () => {
    const pipeline = await load('stages:\n  prepare:\n    cmd: python prep.py\n');
    assert.equal(pipeline.stages.length, 1);
    assert.deepEqual(pipeline.stages[0], {
      name: 'prepare',
      cmd: ['python prep.py'],
      with: {},
      wdir: '.',
      deps: [],
      params: [],
      outs: [],
      env: {},
      alwaysChanged: false,
      frozen: false,
      resume: false,
      resources: { cpu: 1, mutex: [] },
      location: { file: 'pipeline.yaml', line: 2, col: 3 },
    });
    assert.equal(path.basename(pipeline.file), 'pipeline.yaml');
    assert.equal(pipeline.root, path.dirname(pipeline.file));
    assert.deepEqual(pipeline.varsFiles, []);
  });

  test('reads every field of a full stage', async () => {
    const pipeline = await load(
      [
        'stages:',
        '  prepare:',
        '    desc: Build the dataset',
        '    cmd: [python a.py, python b.py]',
        '    wdir: ./src/',
        '    deps: [prep.py, data/raw/]',
        '    params:',
        '      - config/data.yaml: [split.seed, split.ratio]',
        '      - config/other.yaml',
        '    outs:',
        '      - outputs/dataset/',
        '      - outputs/state.json: {persist: true, cache: false}',
        '    metrics: [outputs/metrics.json]',
        '    plots: [outputs/curve.csv]',
        '    env: {PYTHONHASHSEED: 0, DEBUG: true, NAME: x}',
        '    always_changed: true',
        '    frozen: true',
        '    resources: {cpu: 2, mutex: gpu}',
        '',
      ].join('\n'),
    );
    const prepare = stage(pipeline, 'prepare');
    assert.equal(prepare.desc, 'Build the dataset');
    assert.deepEqual(prepare.cmd, ['python a.py', 'python b.py']);
    assert.equal(prepare.wdir, 'src');
    assert.deepEqual(prepare.deps.map((d) => d.path), ['prep.py', 'data/raw']);
    assert.deepEqual(prepare.deps[1]?.location, { file: 'pipeline.yaml', line: 6, col: 21 });
    assert.deepEqual(
      prepare.params.map(({ file, keys }) => ({ file, keys })),
      [
        { file: 'config/data.yaml', keys: ['split.seed', 'split.ratio'] },
        { file: 'config/other.yaml', keys: undefined },
      ],
    );
    assert.deepEqual(
      prepare.outs.map(({ path, kind, persist, cache }) => ({ path, kind, persist, cache })),
      [
        { path: 'outputs/dataset', kind: 'out', persist: false, cache: true },
        { path: 'outputs/state.json', kind: 'out', persist: true, cache: false },
        { path: 'outputs/metrics.json', kind: 'metric', persist: false, cache: true },
        { path: 'outputs/curve.csv', kind: 'plot', persist: false, cache: true },
      ],
    );
    assert.deepEqual(prepare.outs[1]?.location, { file: 'pipeline.yaml', line: 12, col: 9 });
    assert.deepEqual(prepare.env, { PYTHONHASHSEED: '0', DEBUG: 'true', NAME: 'x' });
    assert.equal(prepare.alwaysChanged, true);
    assert.equal(prepare.frozen, true);
    assert.deepEqual(prepare.resources, { cpu: 2, mutex: ['gpu'] });
  });

  test('a uses stage keeps its module path and with map', async () => {
    const pipeline = await load('stages:\n  train:\n    uses: ./stages/train.ts\n    with: {mode: final, epochs: 3}\n    resources: {mutex: [gpu, disk]}\n');
    const train = stage(pipeline, 'train');
    assert.equal(train.uses, 'stages/train.ts');
    assert.equal(train.cmd, undefined);
    assert.deepEqual(train.with, { mode: 'final', epochs: 3 });
    assert.deepEqual(train.resources.mutex, ['gpu', 'disk']);
  });

  test('vars come from files and inline maps, later entries winning', async () => {
    const pipeline = await load(
      [
        'vars:',
        '  - ./config/vars.yaml',
        '  - seed: 42',
        '    model: {name: bilstm, layers: 2}',
        'stages:',
        '  prepare:',
        '    vars: [{local: here}]',
        '    cmd: python prep.py --seed ${seed} --lr ${lr} --m ${model.name} ${local} \\${literal}',
        '    deps: ["config/${model.name}.yaml"]',
        '    params: [{"${model.name}.yaml": ["${model.name}.layers"]}]',
        '    outs: ["out/${seed}"]',
        '    wdir: ${local}',
        '    env: {SEED: "${seed}"}',
        '',
      ].join('\n'),
      { 'config/vars.yaml': 'seed: 1\nlr: 0.01\n' },
    );
    const prepare = stage(pipeline, 'prepare');
    assert.deepEqual(prepare.cmd, ['python prep.py --seed 42 --lr 0.01 --m bilstm here ${literal}']);
    assert.deepEqual(prepare.deps.map((d) => d.path), ['config/bilstm.yaml']);
    assert.deepEqual(prepare.params.map((p) => [p.file, p.keys]), [['bilstm.yaml', ['bilstm.layers']]]);
    assert.deepEqual(prepare.outs.map((o) => o.path), ['out/42']);
    assert.equal(prepare.wdir, 'here');
    assert.deepEqual(prepare.env, { SEED: '42' });
    assert.deepEqual(pipeline.varsFiles, ['config/vars.yaml']);
  });

  test('a with value that is exactly one reference keeps its type', async () => {
    const pipeline = await load(
      [
        'vars:',
        '  - lr: 0.1',
        '    layers: [64, 32]',
        '    opt: {name: adam, beta: 0.9}',
        '    on: true',
        'stages:',
        '  train:',
        '    uses: train.ts',
        '    with:',
        '      lr: ${lr}',
        '      layers: ${layers}',
        '      nested: {opt: "${opt}", label: "lr=${lr}", list: ["${on}", "${opt.beta}"]}',
        '',
      ].join('\n'),
    );
    assert.deepEqual(stage(pipeline, 'train').with, {
      lr: 0.1,
      layers: [64, 32],
      nested: { opt: { name: 'adam', beta: 0.9 }, label: 'lr=0.1', list: [true, 0.9] },
    });
  });

  test('matrix expands to the cartesian product, named in key order', async () => {
    const pipeline = await load(
      [
        'vars:',
        '  - backbones: [bilstm, transformer]',
        'stages:',
        '  train:',
        '    uses: stages/train.ts',
        '    with: {backbone: "${item.backbone}", lr: "${item.lr}"}',
        '    matrix:',
        '      backbone: ${backbones}',
        '      lr: [0.1, 0.01]',
        '    deps: ["config/model/${item.backbone}.yaml"]',
        '    outs: ["outputs/hpo/${item.backbone}/${item.lr}/"]',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      pipeline.stages.map((s) => s.name),
      ['train@bilstm-0.1', 'train@bilstm-0.01', 'train@transformer-0.1', 'train@transformer-0.01'],
    );
    const last = stage(pipeline, 'train@transformer-0.01');
    assert.deepEqual(last.with, { backbone: 'transformer', lr: 0.01 });
    assert.deepEqual(last.deps.map((d) => d.path), ['config/model/transformer.yaml']);
    assert.deepEqual(last.outs.map((o) => o.path), ['outputs/hpo/transformer/0.01']);
    assert.deepEqual(last.location, { file: 'pipeline.yaml', line: 4, col: 3 });
  });

  test('foreach over a list of scalars, a list of maps and a map', async () => {
    const pipeline = await load(
      [
        'vars:',
        '  - sets: {small: 10, large: 1000}',
        'stages:',
        '  evaluate:',
        '    foreach: [a, b]',
        '    do:',
        '      cmd: echo ${item}',
        '  fit:',
        '    foreach: [{model: x, n: 1}, {model: y, n: 2}]',
        '    do:',
        '      cmd: fit ${item.model} ${item.n}',
        '  sample:',
        '    foreach: ${sets}',
        '    do:',
        '      cmd: sample ${key} ${item}',
        '      outs: ["out/${key}.csv"]',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      pipeline.stages.map((s) => [s.name, s.cmd?.[0]]),
      [
        ['evaluate@a', 'echo a'],
        ['evaluate@b', 'echo b'],
        ['fit@0', 'fit x 1'],
        ['fit@1', 'fit y 2'],
        ['sample@small', 'sample small 10'],
        ['sample@large', 'sample large 1000'],
      ],
    );
    assert.deepEqual(stage(pipeline, 'sample@large').outs.map((o) => o.path), ['out/large.csv']);
  });

  test('paths are normalised to POSIX project-relative form', async () => {
    const pipeline = await load('stages:\n  a:\n    cmd: x\n    deps: [./data//raw/, a/./b/../c, ., "./"]\n    wdir: ./\n');
    const a = stage(pipeline, 'a');
    assert.deepEqual(a.deps.map((d) => d.path), ['data/raw', 'a/c', '.', '.']);
    assert.equal(a.wdir, '.');
  });

  test('an empty stages map is a pipeline without stages', async () => {
    const pipeline = await load('stages: {}\n');
    assert.deepEqual(pipeline.stages, []);
  });
});
