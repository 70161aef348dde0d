import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { runCli as runCliWithEvents, spawnCli, type CliResult } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const pipeline = `
stages:
  train:
    cmd: node train.mjs
    deps: [train.mjs]
    params:
      - params.json: [train.lr]
    metrics: [outputs/train.json]
  evaluate:
    cmd: node evaluate.mjs
    deps: [evaluate.mjs, outputs/train.json]
    metrics: [outputs/eval.yaml]
`;

// The metrics depend on the learning rate, so changing the param changes them.
const train = `
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
const { lr } = JSON.parse(readFileSync('params.json', 'utf8')).train;
if (lr < 0) process.exit(1);
mkdirSync('outputs', { recursive: true });
writeFileSync('outputs/train.json', JSON.stringify({
  loss: 1 - lr * 10,
  epochs: 3,
  model: 'bilstm',
  history: [0.9, 0.5],
  validation: { macro_f1: 0.5 + lr * 2, by_type: { person: 0.875 } },
}));
`;

const evaluate = `
import { readFileSync, writeFileSync } from 'node:fs';
const { validation } = JSON.parse(readFileSync('outputs/train.json', 'utf8'));
writeFileSync('outputs/eval.yaml', 'test:\\n  f1: ' + (validation.macro_f1 - 0.05).toFixed(4) + '\\nthreshold: 0.5\\n');
`;

// runCli reads a --json run's event lines; these commands print one multi-line JSON document instead.
async function runCli(root: string, args: readonly string[]): Promise<CliResult> {
  if (!args.includes('--json')) return runCliWithEvents(root, args);
  const result = await spawnCli(root, args);
  return { exitCode: result.exitCode ?? -1, stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? ''), events: [] };
}

describe('metrics show and diff', () => {
  let project: TempProject;
  before(async () => {
    project = await tempProject({
      'pipeline.yaml': pipeline,
      'train.mjs': train,
      'evaluate.mjs': evaluate,
      'params.json': JSON.stringify({ train: { lr: 0.01 } }),
    });
  });
  after(() => project.dispose());

  test('before any run, each metrics file is noted as missing', async () => {
    const result = await runCli(project.root, ['metrics', 'show']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /^train$/m);
    assert.match(result.stdout, /outputs\/train\.json: missing — "dagmake run" produces it \(or restores it from the cache\)/);
    assert.match(result.stdout, /outputs\/eval\.yaml: missing — "dagmake run" produces it \(or restores it from the cache\)/);

    const json = await runCli(project.root, ['metrics', 'show', '--json']);
    assert.equal(json.exitCode, 0, json.stderr);
    assert.deepEqual(JSON.parse(json.stdout), {});
    assert.match(json.stderr, /note: outputs\/train\.json: missing/);
  });

  test('diff before any run says there is nothing to compare with', async () => {
    const result = await runCli(project.root, ['metrics', 'diff']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /no earlier run's metrics to compare with/);
  });

  test('show lists JSON and YAML metrics per stage, with nested keys dotted and arrays skipped', async () => {
    const run = await runCli(project.root, ['run']);
    assert.equal(run.exitCode, 0, run.stderr);
    const result = await runCli(project.root, ['metrics', 'show']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(
      result.stdout,
      [
        '  Path                Key                        Value',
        'train',
        '  outputs/train.json  loss                       0.9',
        '  outputs/train.json  epochs                     3',
        '  outputs/train.json  model                      bilstm',
        '  outputs/train.json  validation.macro_f1        0.52',
        '  outputs/train.json  validation.by_type.person  0.875',
        'evaluate',
        '  outputs/eval.yaml   test.f1                    0.47',
        '  outputs/eval.yaml   threshold                  0.5',
      ].join('\n'),
    );
  });

  test('show --json maps path → dotted key → value', async () => {
    const result = await runCli(project.root, ['metrics', 'show', '--json']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), {
      'outputs/train.json': { loss: 0.9, epochs: 3, model: 'bilstm', 'validation.macro_f1': 0.52, 'validation.by_type.person': 0.875 },
      'outputs/eval.yaml': { 'test.f1': 0.47, threshold: 0.5 },
    });
  });

  test('show takes a stage or a path as target', async () => {
    const byStage = await runCli(project.root, ['metrics', 'show', 'evaluate', '--json']);
    assert.deepEqual(Object.keys(JSON.parse(byStage.stdout)), ['outputs/eval.yaml']);
    const byPath = await runCli(project.root, ['metrics', 'show', 'outputs/train.json', '--json']);
    assert.deepEqual(Object.keys(JSON.parse(byPath.stdout)), ['outputs/train.json']);
    const unknown = await runCli(project.root, ['metrics', 'show', 'evalute']);
    assert.equal(unknown.exitCode, 2);
    assert.match(unknown.stderr, /did you mean "evaluate"\?/);
  });

  test('after a param change and a run, diff shows old → new for the changed keys only', async () => {
    await project.write('params.json', JSON.stringify({ train: { lr: 0.02 } }));
    const run = await runCli(project.root, ['run']);
    assert.equal(run.exitCode, 0, run.stderr);

    const result = await runCli(project.root, ['metrics', 'diff']);
    assert.equal(result.exitCode, 0, result.stderr);
    const lines = result.stdout.split('\n');
    assert.match(lines[0] ?? '', /^old: the run of \d{4}-\d\d-\d\dT/);
    assert.deepEqual(lines.slice(1), [
      'Path                Key                  Old   New   Change',
      'outputs/train.json  loss                 0.9   0.8   -0.1 (-11.1%)',
      'outputs/train.json  validation.macro_f1  0.52  0.54  +0.02 (+3.85%)',
      'outputs/eval.yaml   test.f1              0.47  0.49  +0.02 (+4.26%)',
    ]);
  });

  test('diff --json and --all', async () => {
    const json = await runCli(project.root, ['metrics', 'diff', '--json']);
    assert.equal(json.exitCode, 0, json.stderr);
    const parsed = JSON.parse(json.stdout) as Record<string, Record<string, { old: number; new: number; change: number; changePct: number }>>;
    assert.deepEqual(Object.keys(parsed['outputs/train.json'] ?? {}), ['loss', 'validation.macro_f1']);
    const f1 = parsed['outputs/eval.yaml']?.['test.f1'];
    assert.equal(f1?.old, 0.47);
    assert.equal(f1?.new, 0.49);
    assert.equal(f1?.change, 0.02);

    const all = await runCli(project.root, ['metrics', 'diff', '--all', '--json']);
    const everything = JSON.parse(all.stdout) as Record<string, Record<string, unknown>>;
    assert.deepEqual(everything['outputs/train.json']?.model, { old: 'bilstm', new: 'bilstm' });
    assert.equal(Object.keys(everything['outputs/train.json'] ?? {}).length, 5);
  });

  test('a run that leaves the metrics unchanged keeps the comparison with the run before', async () => {
    const run = await runCli(project.root, ['run']);
    assert.equal(run.exitCode, 0, run.stderr);
    const result = await runCli(project.root, ['metrics', 'diff', '--json']);
    assert.equal(JSON.parse(result.stdout)['outputs/eval.yaml']?.['test.f1']?.old, 0.47);
  });

  test('a metrics file edited after the run is compared with that run', async () => {
    await project.write('outputs/eval.yaml', 'test:\n  f1: 0.6\nthreshold: 0.5\n');
    const result = await runCli(project.root, ['metrics', 'diff', '--json']);
    assert.deepEqual(JSON.parse(result.stdout), {
      'outputs/eval.yaml': { 'test.f1': { old: 0.49, new: 0.6, change: 0.11, changePct: 22.4489795918367 } },
    });
  });

  test('a deleted metrics file is noted by show and listed as removed by diff', async () => {
    await project.remove('outputs/eval.yaml');
    const show = await runCli(project.root, ['metrics', 'show']);
    assert.equal(show.exitCode, 0, show.stderr);
    assert.match(show.stdout, /^ {2}outputs\/eval\.yaml: missing — "dagmake run" produces it \(or restores it from the cache\)$/m);
    const diff = await runCli(project.root, ['metrics', 'diff']);
    assert.match(diff.stdout, /outputs\/eval\.yaml\s+test\.f1\s+0\.49\s+-\s+removed/);
  });

  test('a metrics file that cannot be read makes show fail', async () => {
    const before = await project.read('outputs/eval.yaml').catch(() => undefined);
    await project.write('outputs/eval.yaml', 'test: {f1: [unclosed\n');
    try {
      const show = await runCli(project.root, ['metrics', 'show']);
      assert.equal(show.exitCode, 1);
      assert.match(show.stdout, /outputs\/eval\.yaml: /);
      const json = await runCli(project.root, ['metrics', 'show', '--json']);
      assert.equal(json.exitCode, 1);
      const diff = await runCli(project.root, ['metrics', 'diff']);
      assert.equal(diff.exitCode, 1);
      assert.match(diff.stderr, /error: outputs\/eval\.yaml: /);
    } finally {
      if (before === undefined) await project.remove('outputs/eval.yaml');
      else await project.write('outputs/eval.yaml', before);
    }
  });

  test('a failed run records no snapshot', async () => {
    const before = await project.read('.dagmake/metrics/latest.json');
    await project.write('params.json', JSON.stringify({ train: { lr: -1 } }));
    const run = await runCli(project.root, ['run']);
    assert.equal(run.exitCode, 1);
    assert.equal(await project.read('.dagmake/metrics/latest.json'), before);
  });

  test('usage errors', async () => {
    const none = await runCli(project.root, ['metrics']);
    assert.equal(none.exitCode, 2);
    assert.match(none.stderr, /dagmake metrics show \| dagmake metrics diff/);
    const help = await runCli(project.root, ['metrics', '--help']);
    assert.equal(help.exitCode, 0);
    assert.match(help.stdout, /arrays are skipped/);
  });
});

describe('metrics diff with a metrics file it cannot read', () => {
  // Each stage writes one metrics file holding the number in its input, so changing one input changes one file.
  const copyNumber = `
import { readFileSync, writeFileSync } from 'node:fs';
const [from, to] = process.argv.slice(2);
writeFileSync(to, JSON.stringify({ value: Number(readFileSync(from, 'utf8')) }));
`;
  const twoFiles = `
stages:
  steady:
    cmd: node copy-number.mjs one.txt steady.json
    deps: [copy-number.mjs, one.txt]
    metrics: [steady.json]
  tuned:
    cmd: node copy-number.mjs lr.txt tuned.json
    deps: [copy-number.mjs, lr.txt]
    metrics: [tuned.json]
`;

  test('names the file it did not compare and does not say that nothing changed', async () => {
    const project = await tempProject({ 'pipeline.yaml': twoFiles, 'copy-number.mjs': copyNumber, 'one.txt': '1', 'lr.txt': '0.1' });
    try {
      assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
      await project.write('lr.txt', '0.2');
      assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
      // Only tuned.json changed between the runs, and it is the file that cannot be read now.
      await project.write('tuned.json', '{"value":');

      const diff = await runCli(project.root, ['metrics', 'diff']);
      assert.equal(diff.exitCode, 1, 'as metrics show fails for the same file');
      assert.match(diff.stderr, /^error: tuned\.json: /m);
      assert.match(diff.stdout, /^no metric changed since the run of \S+ in the files that could be read; not compared: tuned\.json \(could not be read\)$/);
      assert.equal((await runCli(project.root, ['metrics', 'show'])).exitCode, 1);
    } finally {
      await project.dispose();
    }
  });
});
