import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { describeMetricKeyCollisions, findMetricKeyCollisions } from '../../src/metrics/metric-key-collisions.js';
import { parseMetricsText } from '../../src/metrics/read-metrics-file.js';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

test('a dotted key and the nesting it spells are found as one colliding key, in either order', () => {
  const collision = { key: 'a.b', sources: [['a.b'], ['a', 'b']] };
  assert.deepEqual(findMetricKeyCollisions({ 'a.b': 1, a: { b: 2 } }), [collision]);
  assert.deepEqual(findMetricKeyCollisions({ a: { b: 2 }, 'a.b': 1 }), [{ key: 'a.b', sources: [['a', 'b'], ['a.b']] }]);
  assert.deepEqual(findMetricKeyCollisions({ 'x.y': { z: 1 }, x: { 'y.z': 2 } }), [{ key: 'x.y.z', sources: [['x.y', 'z'], ['x', 'y.z']] }]);
});

test('keys that do not flatten to the same name, and arrays, collide with nothing', () => {
  assert.deepEqual(findMetricKeyCollisions({ loss: 0.2, validation: { macro_f1: 0.8 }, 'validation.loss': 0.3 }), []);
  assert.deepEqual(findMetricKeyCollisions({ 'a.b': 1, a: { b: [1, 2] } }), []);
  assert.deepEqual(findMetricKeyCollisions([{ a: 1 }, { a: 2 }]), []);
});

test('the message quotes each spelling, names the key and says what to rename', () => {
  assert.equal(
    describeMetricKeyCollisions(findMetricKeyCollisions({ 'a.b': 1, a: { b: 2 } })),
    '"a.b" and "a" → "b" both flatten to the key "a.b"; rename one of them so that each dotted key names one value',
  );
  assert.equal(
    describeMetricKeyCollisions(findMetricKeyCollisions({ 'a.b.c': 1, a: { 'b.c': 2 }, 'a.b': { c: 3 } })),
    '"a.b.c", "a" → "b.c" and "a.b" → "c" all flatten to the key "a.b.c"; rename all but one of them so that each dotted key names one value',
  );
  const many = { 'a.b': 1, a: { b: 2, c: 2, d: 2, e: 2, f: 2 }, 'a.c': 1, 'a.d': 1, 'a.e': 1, 'a.f': 1 };
  assert.match(describeMetricKeyCollisions(findMetricKeyCollisions(many)), /names one value \(likewise for "a\.c", "a\.d", "a\.e" and 1 more key\)$/);
});

test('a JSON or YAML metrics file with colliding keys is unreadable, not read with one value dropped', async () => {
  const json = await parseMetricsText('{"a.b": 1, "a": {"b": 2}, "f1": 0.5}', 'm.json');
  assert.equal(json.kind, 'unreadable');
  assert.match(json.kind === 'unreadable' ? json.reason : '', /flatten to the key "a\.b"; rename one of them/);
  const yaml = await parseMetricsText('test:\n  f1: 0.7\ntest.f1: 0.6\n', 'eval.yaml');
  assert.equal(yaml.kind, 'unreadable');
  assert.match(yaml.kind === 'unreadable' ? yaml.reason : '', /^"test" → "f1" and "test\.f1" both flatten to the key "test\.f1"/);
});

const pipeline = `
stages:
  evaluate:
    cmd: node evaluate.mjs
    deps: [evaluate.mjs]
    metrics: [outputs/good.json, outputs/bad.yaml]
`;

const evaluate = `
import { mkdirSync, writeFileSync } from 'node:fs';
mkdirSync('outputs', { recursive: true });
writeFileSync('outputs/good.json', JSON.stringify({ f1: 0.5 }));
writeFileSync('outputs/bad.yaml', 'test:\\n  f1: 0.7\\n');
`;

const colliding = 'test:\n  f1: 0.7\ntest.f1: 0.6\n';
const problem = 'outputs/bad.yaml: "test" → "f1" and "test.f1" both flatten to the key "test.f1"; rename one of them so that each dotted key names one value';

// execa drops the final newline of stdout and stderr.
describe('metrics show and diff with a file whose keys collide', () => {
  let project: TempProject;
  before(async () => {
    project = await tempProject({ 'pipeline.yaml': pipeline, 'evaluate.mjs': evaluate });
    const run = await runCli(project.root, ['run']);
    assert.equal(run.exitCode, 0, run.stderr);
    await project.write('outputs/good.json', JSON.stringify({ f1: 0.6 }));
    await project.write('outputs/bad.yaml', colliding);
  });
  after(() => project.dispose());

  test('show names the file and the key, shows the other files, and fails', async () => {
    const show = await runCli(project.root, ['metrics', 'show']);
    assert.equal(show.exitCode, 1);
    assert.equal(show.stdout, ['  Path               Key  Value', 'evaluate', '  outputs/good.json  f1   0.6', `  ${problem}`].join('\n'));
  });

  test('show --json leaves the file out of the document and says why on stderr', async () => {
    const json = await spawnCli(project.root, ['metrics', 'show', '--json']);
    assert.equal(json.exitCode, 1);
    assert.deepEqual(JSON.parse(String(json.stdout)), { 'outputs/good.json': { f1: 0.6 } });
    assert.equal(String(json.stderr), `error: ${problem}`);
  });

  test('diff fails naming the file and compares only the files it could read', async () => {
    const diff = await runCli(project.root, ['metrics', 'diff']);
    assert.equal(diff.exitCode, 1);
    assert.equal(diff.stderr, `error: ${problem}`);
    assert.deepEqual(diff.stdout.split('\n').slice(1), ['Path               Key  Old  New  Change', 'outputs/good.json  f1   0.5  0.6  +0.1 (+20%)']);

    const json = await spawnCli(project.root, ['metrics', 'diff', '--json', '--all']);
    assert.equal(json.exitCode, 1);
    assert.deepEqual(JSON.parse(String(json.stdout)), { 'outputs/good.json': { f1: { old: 0.5, new: 0.6, change: 0.1, changePct: 20 } } });
  });
});
