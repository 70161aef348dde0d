import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { canonicalJson } from '../../src/hash/canonical-json.js';
import { closestMatch } from '../../src/text/suggest.js';
import { Hasher } from '../../src/hash/hasher.js';
import { ParamsReader, selectParams } from '../../src/hash/params.js';

let root: string;
before(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'dagmake-params-'));
  await mkdir(path.join(root, 'config'));
  await writeFile(
    path.join(root, 'config/data.yaml'),
    'split:\n  seed: 42\n  ratio: 0.8\ntrain:\n  lr: 0.01\n  layers: [64, {b: 2, a: 1}]\nname: demo\n',
  );
  await writeFile(path.join(root, 'config/model.json'), '{"dropout": 0.1, "opt": {"name": "adam", "beta": 0.9}}');
  await writeFile(path.join(root, 'config/bad.yaml'), 'a: 1\n  b: [\n');
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('params', () => {
  it('invalid JSON is reported at its line and column, not at 1:1', async () => {
    await writeFile(path.join(root, 'config/broken.json'), '{\n  "a": 1,\n  b: 2}\n');
    await writeFile(path.join(root, 'config/cut.json'), '{\n  "a": \n');
    const reader = new ParamsReader(root);
    const broken = await reader.select({ file: 'config/broken.json' });
    assert.deepEqual(broken.ok ? undefined : broken.error[0]!.location, { file: 'config/broken.json', line: 3, col: 3 });
    const cut = await reader.select({ file: 'config/cut.json' });
    assert.deepEqual(cut.ok ? undefined : cut.error[0]!.location, { file: 'config/cut.json', line: 2, col: 7 });
  });

  it('a top-level key holding a dot is taken as written, in a whole-file selection and when named', async () => {
    await writeFile(path.join(root, 'config/dotted.yaml'), '"model.name": bert\nmodel:\n  layers: 2\n');
    const reader = new ParamsReader(root);
    assert.deepEqual(await reader.select({ file: 'config/dotted.yaml' }), { ok: true, value: { model: { layers: 2 }, 'model.name': 'bert' } });
    assert.deepEqual(await reader.select({ file: 'config/dotted.yaml', keys: ['model.name', 'model.layers'] }), {
      ok: true,
      value: { 'model.layers': 2, 'model.name': 'bert' },
    });
  });

  it('a params file that is not UTF-8 is refused at its first bad byte: values differing there would hash alike', async () => {
    await writeFile(path.join(root, 'config/latin1.yaml'), Buffer.from('name: caf\u00e9\n', 'latin1'));
    await writeFile(path.join(root, 'config/latin1.json'), Buffer.from('{\n  "name": "\u00e9"}', 'latin1'));
    const reader = new ParamsReader(root);
    const hint = 'save it as UTF-8 (the encoding setting of your editor, or iconv -f latin1 -t utf-8)';
    assert.deepEqual(await reader.select({ file: 'config/latin1.yaml', keys: ['name'] }), {
      ok: false,
      error: [{ message: 'params file config/latin1.yaml is not valid UTF-8 (byte 0xE9)', location: { file: 'config/latin1.yaml', line: 1, col: 10 }, hint }],
    });
    assert.deepEqual(await reader.select({ file: 'config/latin1.json' }), {
      ok: false,
      error: [{ message: 'params file config/latin1.json is not valid UTF-8 (byte 0xE9)', location: { file: 'config/latin1.json', line: 2, col: 12 }, hint }],
    });
  });

  it('selects dotted keys from YAML', async () => {
    const reader = new ParamsReader(root);
    assert.deepEqual(await reader.select({ file: 'config/data.yaml', keys: ['train.lr', 'split.seed', 'train.layers.1'] }), {
      ok: true,
      value: { 'split.seed': 42, 'train.layers.1': { a: 1, b: 2 }, 'train.lr': 0.01 },
    });
  });

  it('selects every top-level key when none are given, from JSON too', async () => {
    const reader = new ParamsReader(root);
    const result = await reader.select({ file: 'config/model.json' });
    assert.deepEqual(result, { ok: true, value: { dropout: 0.1, opt: { beta: 0.9, name: 'adam' } } });
    assert.deepEqual(Object.keys(result.ok ? result.value.opt as object : {}), ['beta', 'name']);
  });

  it('reports a missing key with a did-you-mean over its siblings', async () => {
    const location = { file: 'pipeline.yaml', line: 7, col: 9 };
    const result = await new ParamsReader(root).select({ file: 'config/data.yaml', keys: ['split.sede', 'train.momentum'], location });
    assert.deepEqual(!result.ok && result.error, [
      { message: "params key 'split.sede' not found in config/data.yaml", location, hint: "did you mean 'split.seed'?" },
      { message: "params key 'train.momentum' not found in config/data.yaml", location, hint: "keys under 'train': lr, layers" },
    ]);
  });

  it('reports invalid YAML with its position and a missing file with the declaration', async () => {
    const reader = new ParamsReader(root);
    const bad = await reader.select({ file: 'config/bad.yaml' });
    assert.deepEqual(!bad.ok && bad.error[0]!.location, { file: 'config/bad.yaml', line: 1, col: 4 });
    assert.match(!bad.ok ? bad.error[0]!.message : '', /^invalid YAML in params file config\/bad.yaml: /);
    const missing = await reader.select({ file: 'config/none.yaml', location: { file: 'pipeline.yaml', line: 3, col: 5 } });
    assert.ok(!missing.ok && /cannot read params file config\/none.yaml/.test(missing.error[0]!.message));
    assert.deepEqual(!missing.ok && missing.error[0]!.location, { file: 'pipeline.yaml', line: 3, col: 5 });
  });

  it('reads each file once per Hasher', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'dagmake-params-once-'));
    await writeFile(path.join(dir, 'p.yaml'), 'x: 1\n');
    const hasher = await Hasher.open(dir);
    assert.deepEqual(await hasher.selectParams({ file: 'p.yaml' }), { ok: true, value: { x: 1 } });
    await writeFile(path.join(dir, 'p.yaml'), 'x: 2\n');
    assert.deepEqual(await hasher.selectParams({ file: 'p.yaml' }), { ok: true, value: { x: 1 } });
    assert.deepEqual(await (await Hasher.open(dir)).selectParams({ file: 'p.yaml' }), { ok: true, value: { x: 2 } });
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects a params file that is not a mapping', () => {
    const result = selectParams([1, 2], 'p.yaml', undefined);
    assert.ok(!result.ok && /must contain a mapping/.test(result.error[0]!.message));
  });
});

describe('canonicalJson', () => {
  it('sorts object keys at every level and keeps array order', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [3, { z: 0, y: 1 }], c: null } }), '{"a":{"c":null,"d":[3,{"y":1,"z":0}]},"b":1}');
    assert.equal(canonicalJson({ x: 1, y: 2 }), canonicalJson({ y: 2, x: 1 }));
  });
});

describe('didYouMean', () => {
  it('suggests the closest name within a few edits, or nothing', () => {
    assert.equal(closestMatch('lerning_rate', ['learning_rate', 'epochs']), 'learning_rate');
    assert.equal(closestMatch('epcohs', ['learning_rate', 'epochs']), 'epochs');
    assert.equal(closestMatch('xyz', ['learning_rate', 'epochs']), undefined);
  });
});
