import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { formatDiagnostic } from '../../src/errors.js';
import { loadPipeline } from '../../src/pipeline/load-pipeline.js';

const dirs: string[] = [];
after(async () => Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true }))));

/** Loads a pipeline that must fail and returns its diagnostics as the user reads them. */
async function problems(pipeline: string, extra: Record<string, string> = {}): Promise<string[]> {
  const dir = await mkdtemp(path.join(tmpdir(), 'dagmake-pipeline-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries({ 'pipeline.yaml': pipeline, ...extra })) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), text);
  }
  const result = await loadPipeline(path.join(dir, 'pipeline.yaml'), { displayPath: 'pipeline.yaml' });
  assert.equal(result.ok, false, 'expected the pipeline to be rejected');
  return result.ok ? [] : result.error.map(formatDiagnostic);
}

const lines = (...text: string[]): string => `${text.join('\n')}\n`;

describe('pipeline diagnostics', () => {
  test('a missing file is one diagnostic with a hint', async () => {
    const result = await loadPipeline(path.join(tmpdir(), 'dagmake-no-such-dir', 'pipeline.yaml'), { displayPath: 'pipeline.yaml' });
    assert.equal(result.ok, false);
    assert.deepEqual(result.ok ? [] : result.error.map(formatDiagnostic), [
      'error: pipeline file "pipeline.yaml" not found\n  hint: run inside the project (pipeline.yaml is looked for here and in the directories above), or give a pipeline file with -f',
    ]);
  });

  test('a pipeline file that is a directory says so and how to name the file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dagmake-pipeline-'));
    dirs.push(dir);
    await mkdir(path.join(dir, 'sub'));
    const result = await loadPipeline(path.join(dir, 'sub'), { displayPath: 'sub' });
    assert.deepEqual(result.ok ? [] : result.error.map(formatDiagnostic), [
      'error: pipeline file "sub" is a directory\n  hint: give the file itself (-f sub/pipeline.yaml), or run in that directory with -C',
    ]);
  });

  test('an empty file and a file without stages', async () => {
    const hint = '\n  hint: add a "stages:" map with one entry per stage, e.g. "stages: {prepare: {cmd: python prep.py}}"';
    assert.deepEqual(await problems('# nothing yet\n'), [`pipeline.yaml:1:1 error: pipeline file is empty${hint}`]);
    assert.deepEqual(await problems('vars: []\n'), [`pipeline.yaml:1:1 error: missing "stages"${hint}`]);
    assert.deepEqual(await problems('stages: [a, b]\n'), ['pipeline.yaml:1:9 error: expected a map of stages, got a list']);
  });

  test('YAML syntax errors carry their position', async () => {
    assert.deepEqual(await problems(lines('stages:', '  a:', '    cmd: x', '    deps: [config/${name}.yaml]')), [
      'pipeline.yaml:4:20 error: invalid YAML: Missing , or : between flow sequence items\n' +
        '  hint: inside [...] or {...} a "${var}" must be quoted, e.g. ["config/${name}.yaml"]',
    ]);
  });

  test('a key given twice is named with the place of the first; a stage defined twice says so', async () => {
    assert.deepEqual(await problems(lines('stages:', '  a:', '    cmd: x', '    cmd: y', '  b:', '    cmd: z', '  "a":', '    cmd: w')), [
      'pipeline.yaml:4:5 error: key "cmd" is given twice in the same map\n  hint: the first is at pipeline.yaml:3:5; keep one of them',
      'pipeline.yaml:7:3 error: stage "a" is defined twice\n' +
        '  hint: the first definition is at pipeline.yaml:2:3; rename one of them (stage names are unique)',
    ]);
  });

  test('an unknown key points at the key and suggests the closest one', async () => {
    assert.deepEqual(await problems(lines('stages:', '  train:', '    cmd: x', '    dpes: [a]')), [
      'pipeline.yaml:4:5 error: unknown key "dpes" in stage "train"\n  hint: did you mean "deps"?',
    ]);
    assert.deepEqual(await problems(lines('stagez: {}')), [
      'pipeline.yaml:1:1 error: missing "stages"\n  hint: add a "stages:" map with one entry per stage, e.g. "stages: {prepare: {cmd: python prep.py}}"',
      'pipeline.yaml:1:1 error: unknown key "stagez" at the top level\n  hint: did you mean "stages"?',
    ]);
    assert.deepEqual(await problems(lines('stages:', '  a:', '    cmd: x', '    resources: {cpu: 2, zzz: 1}')), [
      'pipeline.yaml:4:25 error: unknown key "zzz" in "resources" of stage "a"\n  hint: known keys: "cpu", "mutex"',
    ]);
    assert.deepEqual(await problems(lines('stages:', '  a:', '    cmd: x', '    outs:', '      - out/m.json: {persit: true}')), [
      'pipeline.yaml:5:22 error: unknown key "persit" in the options of "out/m.json" in stage "a"\n  hint: did you mean "persist"?',
    ]);
  });

  test("another tool's name for a key names ours", async () => {
    assert.deepEqual(await problems(lines('stages:', '  a:', '    command: python prep.py', '    inputs: [x]', '    outputs: [y]')), [
      'pipeline.yaml:2:3 error: stage "a" has neither "cmd" nor "uses"\n  hint: add "cmd: <shell command>" or "uses: <stage module>.ts"',
      'pipeline.yaml:3:5 error: unknown key "command" in stage "a"\n  hint: dagmake calls it "cmd"',
      'pipeline.yaml:4:5 error: unknown key "inputs" in stage "a"\n  hint: dagmake calls it "deps"',
      'pipeline.yaml:5:5 error: unknown key "outputs" in stage "a"\n  hint: dagmake calls it "outs"',
    ]);
  });

  test('a wrong type points at the value', async () => {
    assert.deepEqual(
      await problems(
        lines(
          'stages:',
          '  a:',
          '    cmd: x',
          '    outs: outputs/x',
          '    deps: [a, 3]',
          '    resources: {cpu: 0}',
          '    frozen: yes',
          '    params: [{a.yaml: x}]',
          '    cmd2: 1',
        ),
      ),
      [
        'pipeline.yaml:4:11 error: expected a list of paths, got a string',
        'pipeline.yaml:5:15 error: expected a path, got the number 3',
        'pipeline.yaml:6:22 error: expected a whole number ≥ 1, got the number 0',
        'pipeline.yaml:7:13 error: expected true or false, got a string',
        'pipeline.yaml:8:23 error: expected a list of dotted keys, got a string',
        'pipeline.yaml:9:5 error: unknown key "cmd2" in stage "a"\n  hint: did you mean "cmd"?',
      ],
    );
  });

  test('cmd and uses: exactly one of them', async () => {
    assert.deepEqual(await problems(lines('stages:', '  a:', '    desc: nothing to run', '  b:', '    cmd: x', '    uses: b.ts')), [
      'pipeline.yaml:2:3 error: stage "a" has neither "cmd" nor "uses"\n  hint: add "cmd: <shell command>" or "uses: <stage module>.ts"',
      'pipeline.yaml:6:5 error: stage "b" has both "cmd" and "uses"\n' +
        '  hint: keep only one of them: "cmd" runs a shell command, "uses" a TypeScript stage module',
    ]);
  });

  test('an empty command is refused, also one a variable left empty', async () => {
    const hint = '\n  hint: write the shell command to run; a stage that is meant to do nothing can say "true"';
    assert.deepEqual(
      await problems(lines('vars:', '  - none: ""', 'stages:', '  a:', '    cmd: ""', '  b:', '    cmd: [echo b, "  "]', '  c:', '    cmd: ${none}')),
      [
        `pipeline.yaml:5:10 error: "cmd" of stage "a" is empty${hint}`,
        `pipeline.yaml:7:19 error: command 2 in "cmd" of stage "b" is empty${hint}`,
        `pipeline.yaml:9:10 error: "cmd" of stage "c" is empty${hint}`,
      ],
    );
  });

  test('foreach needs do, and the template goes inside it', async () => {
    assert.deepEqual(await problems(lines('stages:', '  a:', '    foreach: [x]', '    cmd: echo', '  b:', '    do: {cmd: x}')), [
      'pipeline.yaml:3:5 error: stage "a" has "foreach" but no "do"\n  hint: put the stage template (cmd, deps, outs, ...) under "do:"',
      'pipeline.yaml:4:5 error: key "cmd" of stage "a" belongs inside "do"\n' +
        '  hint: a foreach stage has only "foreach" and "do"; move the key under "do:"',
      'pipeline.yaml:6:5 error: stage "b" has "do" but no "foreach"\n  hint: add "foreach:" with the list or map to expand over',
    ]);
  });

  test('stage names are checked before expansion', async () => {
    assert.deepEqual(await problems(lines('stages:', '  train@x:', '    cmd: x', '  "-bad":', '    cmd: x', '  modèle:', '    cmd: x')), [
      'pipeline.yaml:2:3 error: invalid stage name "train@x"\n' +
        '  hint: stage names are made of ASCII letters, digits, "_", "." and "-", and start with a letter, a digit or "_" ("@" is reserved for matrix and foreach expansions)',
      'pipeline.yaml:4:3 error: invalid stage name "-bad"\n' +
        '  hint: stage names are made of ASCII letters, digits, "_", "." and "-", and start with a letter, a digit or "_" ("@" is reserved for matrix and foreach expansions)',
      'pipeline.yaml:6:3 error: invalid stage name "modèle"\n' +
        '  hint: stage names are made of ASCII letters, digits, "_", "." and "-", and start with a letter, a digit or "_" ("@" is reserved for matrix and foreach expansions)',
    ]);
  });

  test('unknown variables name the variable and what is known', async () => {
    assert.deepEqual(
      await problems(
        lines(
          'vars:',
          '  - seed: 1',
          '    model: {name: x}',
          'stages:',
          '  a:',
          '    cmd: run ${sed}',
          '    deps: ["${model.size}"]',
          '    env: {A: "${nothing_like_it}"}',
          '  b:',
          '    uses: b.ts',
          '    with: {n: {deep: "${item}"}}',
          '  c:',
          '    foreach: [x]',
          '    do: {cmd: "echo ${key}"}',
        ),
      ),
      [
        'pipeline.yaml:6:10 error: unknown variable "sed"\n  hint: did you mean "seed"?',
        'pipeline.yaml:7:12 error: unknown variable "model.size"\n  hint: "model" has keys: "name"',
        'pipeline.yaml:8:14 error: unknown variable "nothing_like_it"\n  hint: known variables: "seed", "model"',
        'pipeline.yaml:11:22 error: unknown variable "item"\n  hint: "${item}" is defined only in a stage with "foreach" or "matrix"',
        'pipeline.yaml:14:15 error: unknown variable "key"\n' +
          '  hint: "${key}" is defined only by a "foreach" over a map; this stage expands over a list or a matrix',
      ],
    );
  });

  test('a list cannot be placed inside a string', async () => {
    assert.deepEqual(await problems(lines('vars: [{xs: [1, 2]}]', 'stages:', '  a:', '    cmd: echo ${xs}')), [
      'pipeline.yaml:4:10 error: variable "xs" is a list and cannot be placed inside a string\n' +
        '  hint: refer to one of its elements instead, e.g. "${xs.0}"',
    ]);
  });

  test('a pipeline or vars file that is not UTF-8 is refused at its first bad byte, not read with U+FFFD', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dagmake-pipeline-'));
    dirs.push(dir);
    const hint = '\n  hint: save it as UTF-8 (the encoding setting of your editor, or iconv -f latin1 -t utf-8)';
    const latin1 = (text: string) => Buffer.from(text, 'latin1');
    await writeFile(path.join(dir, 'pipeline.yaml'), latin1('stages:\n  a:\n    cmd: echo caf\u00e9 \u00e9t\u00e9\n'));
    const load = () => loadPipeline(path.join(dir, 'pipeline.yaml'), { displayPath: 'pipeline.yaml' });
    const bad = await load();
    assert.deepEqual(bad.ok ? [] : bad.error.map(formatDiagnostic), [`pipeline.yaml:3:18 error: pipeline file pipeline.yaml is not valid UTF-8 (byte 0xE9)${hint}`]);
    await writeFile(path.join(dir, 'pipeline.yaml'), 'vars: [v.yaml]\nstages:\n  a:\n    cmd: echo caf\u00e9 ${x}\n');
    await writeFile(path.join(dir, 'v.yaml'), Buffer.concat([Buffer.from('x: 1\ny: "\u00e9'), latin1('\u00e9"\n')]));
    const vars = await load();
    assert.match(vars.ok ? '' : vars.error.map(formatDiagnostic).join('\n'), /v\.yaml:2:6 error: vars file .*v\.yaml is not valid UTF-8 \(byte 0xE9\)/);
    await writeFile(path.join(dir, 'v.yaml'), 'x: 1\n');
    const good = await load();
    assert.deepEqual(good.ok && good.value.stages[0]!.cmd, ['echo caf\u00e9 1']);
  });

  test('vars files: missing, and not a map', async () => {
    assert.deepEqual(await problems(lines('vars: [config/none.yaml, ../up.yaml]', 'stages: {}')), [
      'pipeline.yaml:1:8 error: vars file "config/none.yaml" not found\n' +
        '  hint: paths in "vars" are relative to the project root (the directory of pipeline.yaml)',
      'pipeline.yaml:1:26 error: path "../up.yaml" is outside the project root\n' +
        '  hint: use a path relative to the project root (the directory of pipeline.yaml)',
    ]);
    const listFile = await problems(lines('vars: [v.yaml]', 'stages: {}'), { 'v.yaml': '- 1\n' });
    assert.equal(listFile.length, 1);
    assert.match(listFile[0]!, /v\.yaml:1:1 error: vars file "v\.yaml" must contain a map of variables, got a list\n/);
  });

  test('matrix and foreach values', async () => {
    assert.deepEqual(
      await problems(
        lines(
          'vars: [{n: 3}]',
          'stages:',
          '  a:',
          '    cmd: x',
          '    matrix: {k: "${n}", e: []}',
          '  b:',
          '    foreach: [x y]',
          '    do: {cmd: x}',
          '  c:',
          '    cmd: x',
          '    matrix: {k: [1, "1"]}',
        ),
      ),
      [
        'pipeline.yaml:5:17 error: matrix "k" of stage "a" must be a list, got the number 3',
        'pipeline.yaml:5:28 error: matrix "e" of stage "a" is empty\n  hint: give it at least one value, or remove it',
        'pipeline.yaml:7:14 error: value "x y" cannot be part of a stage name (expanding stage "b")\n' +
          '  hint: values used in names may contain only ASCII letters, digits, "_", "." and "-"; a list of maps is named by index instead',
        'pipeline.yaml:9:3 error: stage "c@1" is defined twice\n' +
          '  hint: two of its foreach or matrix values give this name; matrix and foreach values must give distinct names',
      ],
    );
  });

  test('absolute paths and paths leaving the project are rejected', async () => {
    assert.deepEqual(await problems(lines('stages:', '  a:', '    cmd: x', '    deps: [/etc/passwd, data/../../x]', '    outs: [./]')), [
      'pipeline.yaml:4:12 error: absolute path "/etc/passwd" is not allowed\n' +
        '  hint: use a path relative to the project root (the directory of pipeline.yaml)',
      'pipeline.yaml:4:25 error: path "data/../../x" is outside the project root\n' +
        '  hint: use a path relative to the project root (the directory of pipeline.yaml)',
      'pipeline.yaml:5:12 error: the project root cannot be an output of stage "a"\n' +
        '  hint: name the file or directory the stage writes, e.g. "outputs/model"',
    ]);
  });

  test('every problem is reported at once, in file order, each once', async () => {
    const found = await problems(
      lines(
        'stages:',
        '  train:',
        '    cmd: python train.py ${lr}',
        '    matrix: {m: [a, b, c]}',
        '    dpes: [a]',
        '  other:',
        '    uses: x.ts',
        '    with: {a: "${zz}"}',
        '    frozen: 1',
      ),
    );
    assert.deepEqual(
      found.map((d) => d.split('\n')[0]),
      [
        'pipeline.yaml:3:10 error: unknown variable "lr"',
        'pipeline.yaml:5:5 error: unknown key "dpes" in stage "train"',
        'pipeline.yaml:8:15 error: unknown variable "zz"',
        'pipeline.yaml:9:13 error: expected true or false, got the number 1',
      ],
    );
  });
});
