import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lockText, normalizeStage, readLock, writeLock } from '../../src/lock/lock-file.js';
import { parseLock, yamlLockText } from '../../src/lock/lock-yaml.js';
import { plainLockText } from '../../src/lock/plain-lock-text.js';
import type { LockFile, LockedStage } from '../../src/lock/types.js';

const H1 = 'a1'.repeat(32);
const H2 = 'b2'.repeat(32);

const sampleLock: LockFile = {
  schema: 1,
  stages: {
    train: {
      definition: H2,
      deps: [
        { path: 'src/train.ts', hash: H1, size: 10 },
        { path: 'outputs/dataset', hash: H2, size: 99, nfiles: 4 },
      ],
      params: { 'config/train.yaml': { 'train.lr': 0.01, 'model.layers': [64, 32] } },
      outs: [{ path: 'outputs/model', hash: H1, size: 7, nfiles: 2 }],
    },
    prepare: {
      definition: H1,
      deps: [{ path: 'data/raw', hash: H1, size: 1234, nfiles: 3 }],
      params: { 'config/data.yaml': { 'split.seed': 42 } },
      outs: [{ path: 'outputs/dataset', hash: H2, size: 99, nfiles: 4 }],
    },
  },
};

let tmp: string;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dagmake-lock-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('lock file', () => {
  it('prints simple locks without the YAML library, byte for byte as the library would', () => {
    // Words YAML could read as something else (numbers, booleans, null) or that need quoting.
    const words = ['copy0', 'out/0.txt', 'data/d1', 'a-', 'y', 'no', 'off', 'inf', 'NaN', '0b1', 'Infinity', H1, '0x1F', '1e5', '12', '1.5',
      'true', 'False', 'NULL', '~', '.inf', '-a', '0o17', '1:2', 'a b', 'train@x', '#x', "it's", '1'.repeat(64), `${'1'.repeat(60)}e012`];
    let printedPlain = 0;
    for (const word of words) {
      for (const position of ['name', 'definition', 'path', 'hash'] as const) {
        const dep = { path: position === 'path' ? word : 'in/x', hash: position === 'hash' ? word : H1, size: 3 };
        const name = position === 'name' ? word : 'stage';
        const stage: LockedStage = { definition: position === 'definition' ? word : H2, deps: [dep], params: {}, outs: [{ ...dep, nfiles: 2 }, { path: 'zz/tool', hash: H1, size: 1, isexec: true }] };
        const stages = { [name]: normalizeStage(stage), zz: normalizeStage({ ...stage, deps: [] }) };
        const plain = plainLockText({ schema: 1, stages });
        if (plain === undefined) continue;
        printedPlain++;
        assert.equal(plain, yamlLockText([name, 'zz'], stages), `${position} ${word}`);
      }
    }
    assert.ok(printedPlain >= 4 * 10, 'the plain printer covers the usual names, paths and digests');
    assert.equal(plainLockText(sampleLock), undefined, 'params go through the YAML library');
  });

  it('serializes sorted, one line per dep and out, and parses back', async () => {
    const text = await lockText(sampleLock);
    assert.equal(
      text,
      [
        'schema: 1',
        'stages:',
        '  prepare:',
        `    definition: ${H1}`,
        '    deps:',
        `      - {path: data/raw, hash: ${H1}, size: 1234, nfiles: 3}`,
        '    params:',
        '      config/data.yaml:',
        '        split.seed: 42',
        '    outs:',
        `      - {path: outputs/dataset, hash: ${H2}, size: 99, nfiles: 4}`,
        '  train:',
        `    definition: ${H2}`,
        '    deps:',
        `      - {path: outputs/dataset, hash: ${H2}, size: 99, nfiles: 4}`,
        `      - {path: src/train.ts, hash: ${H1}, size: 10}`,
        '    params:',
        '      config/train.yaml:',
        '        model.layers:',
        '          - 64',
        '          - 32',
        '        train.lr: 0.01',
        '    outs:',
        `      - {path: outputs/model, hash: ${H1}, size: 7, nfiles: 2}`,
        '',
      ].join('\n'),
    );
    const parsed = parseLock(text);
    assert.ok(parsed.ok);
    assert.equal(await lockText(parsed.value), text);
    assert.deepEqual(parsed.value.stages.train?.deps[1], { path: 'src/train.ts', hash: H1, size: 10 });
  });

  it('reads a missing lock as empty', async () => {
    assert.deepEqual(await readLock(await mkdtemp(path.join(tmp, 'p-'))), { ok: true, value: { schema: 1, stages: {} } });
  });

  it('writes atomically and leaves identical bytes untouched', async () => {
    const root = await mkdtemp(path.join(tmp, 'p-'));
    assert.equal(await writeLock(root, sampleLock), true);
    const before = await stat(path.join(root, 'dagmake.lock'), { bigint: true });
    const reordered: LockFile = { schema: 1, stages: { train: sampleLock.stages.train!, prepare: sampleLock.stages.prepare! } };
    assert.equal(await writeLock(root, reordered), false);
    const after = await stat(path.join(root, 'dagmake.lock'), { bigint: true });
    assert.equal(after.ino, before.ino);
    assert.equal(after.mtimeNs, before.mtimeNs);
    assert.deepEqual(await readdir(root), ['.dagmake', 'dagmake.lock'], 'no temp files left behind');
    assert.deepEqual(await readdir(path.join(root, '.dagmake/parsed')), ['lock.json'], 'only the parse memo beside it');
    const reparsed = parseLock(await lockText(sampleLock));
    assert.deepEqual(await readLock(root), { ok: true, value: reparsed.ok && reparsed.value });
  });

  it('reports invalid YAML with its location and a hint', async () => {
    const root = await mkdtemp(path.join(tmp, 'p-'));
    await writeFile(path.join(root, 'dagmake.lock'), 'schema: 1\nstages: [\n');
    const result = await readLock(root);
    assert.ok(!result.ok);
    assert.equal(result.error[0]!.location?.file, 'dagmake.lock');
    assert.match(result.error[0]!.hint ?? '', /delete dagmake.lock/);
  });

  it('reports an unsupported schema version', () => {
    const result = parseLock('schema: 2\nstages: {}\n');
    assert.deepEqual(!result.ok && result.error[0]!.location, { file: 'dagmake.lock', line: 1, col: 9 });
    assert.match(!result.ok ? result.error[0]!.message : '', /schema version 2/);
  });

  it('points at the offending field of a malformed stage', async () => {
    const text = (await lockText(sampleLock)).replace(`definition: ${H1}`, 'definition: nope');
    const result = parseLock(text);
    assert.ok(!result.ok);
    assert.match(result.error[0]!.message, /stages\.prepare\.definition/);
    assert.deepEqual(result.error[0]!.location, { file: 'dagmake.lock', line: 4, col: 17 });
  });

  it('leaves a parse memo equal to parsing the file it wrote, plain or through the YAML library', async () => {
    const withParams: LockFile = {
      schema: 1,
      stages: { ...sampleLock.stages, tune: { ...sampleLock.stages.train!, params: { 'params.yaml': { lr: 0.1, 'odd key': [1, 'two'] } } } },
    };
    for (const lock of [sampleLock, withParams]) {
      const root = await mkdtemp(path.join(tmp, 'p-'));
      await writeLock(root, lock);
      const text = await readFile(path.join(root, 'dagmake.lock'), 'utf8');
      assert.equal(text, await lockText(lock));
      const fromMemo = await readLock(root);
      await rm(path.join(root, '.dagmake'), { recursive: true });
      const fromText = await readLock(root);
      assert.ok(fromText.ok);
      assert.deepEqual(fromMemo, fromText);
      assert.deepEqual(fromText, parseLock(text));
    }
  });

  it('round-trips through the file byte for byte', async () => {
    const root = await mkdtemp(path.join(tmp, 'p-'));
    await writeLock(root, sampleLock);
    const first = await readFile(path.join(root, 'dagmake.lock'), 'utf8');
    const read = await readLock(root);
    assert.ok(read.ok);
    assert.equal(await writeLock(root, read.value), false);
    assert.equal(await readFile(path.join(root, 'dagmake.lock'), 'utf8'), first);
  });
});
