import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

async function runWith(pipeline: string, files: Record<string, string> = {}, args = ['run']) {
  const project = await tempProject({ 'pipeline.yaml': pipeline, ...files });
  try {
    return await runCli(project.root, args);
  } finally {
    await project.dispose();
  }
}

describe('bad input exits 2 with a located message', () => {
  test('unknown key, with a suggestion', async () => {
    const result = await runWith('stages:\n  a:\n    cmd: echo\n    dpes: [x]\n');
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /pipeline\.yaml:4:5 error: unknown key "dpes"/);
    assert.match(result.stderr, /did you mean "deps"\?/);
    assert.doesNotMatch(result.stderr, /at .*\.js:\d+/);
  });

  test('YAML syntax error', async () => {
    const result = await runWith('stages:\n  a:\n    cmd: [echo\n');
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /pipeline\.yaml:\d+:\d+ error:/);
  });

  test('a cycle prints its path', async () => {
    const result = await runWith(
      'stages:\n  a:\n    cmd: cp b.txt a.txt\n    deps: [b.txt]\n    outs: [a.txt]\n  b:\n    cmd: cp a.txt b.txt\n    deps: [a.txt]\n    outs: [b.txt]\n',
    );
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /dependency cycle: (a → b → a|b → a → b)/);
  });

  test('a cycle names the dep or params file behind each of its edges, with its place', async () => {
    const result = await runWith(
      'stages:\n  search:\n    cmd: cp m.json best.yaml\n    deps: [m.json]\n    outs: [best.yaml]\n  train:\n    cmd: echo {} > m.json\n    params: [best.yaml]\n    outs: [m.json]\n',
    );
    assert.equal(result.exitCode, 2);
    assert.equal(
      result.stderr,
      'pipeline.yaml:4:12 error: dependency cycle: train → search → train\n' +
        '  hint: search reads "m.json" (pipeline.yaml:4:12), written by train; train reads "best.yaml" (pipeline.yaml:8:14), written by search. ' +
        'A stage cannot depend, directly or through others, on its own outputs; remove one of these deps',
    );
  });

  test('a dep that nothing produces and does not exist names the stage', async () => {
    const result = await runWith('stages:\n  a:\n    cmd: cat missing.txt\n    deps: [missing.txt]\n');
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /pipeline\.yaml:4:\d+ error: dep "missing.txt" of stage "a" does not exist/);
  });

  test('a dep written as a shell pattern, with ~ or $VAR, is told that deps are not expanded', async () => {
    const result = await runWith('stages:\n  a:\n    cmd: cat data/*.csv\n    deps: ["data/*.csv", "~/x.txt", "$HOME/y"]\n', { 'data/a.csv': '1\n' });
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /4:12 error: dep "data\/\*\.csv" of stage "a" does not exist and no stage produces it\n {2}hint: deps are paths, not patterns: "data\/\*\.csv" is not expanded; depend on the directory "data\/" instead/);
    assert.match(result.stderr, /4:26 error: dep "~\/x\.txt" .*\n {2}hint: deps are paths relative to the project root, taken as written: "~" and "\$VAR" are not expanded/);
    assert.match(result.stderr, /4:37 error: dep "\$HOME\/y" .*\n {2}hint: deps are paths relative to the project root, taken as written/);
  });

  test("an out that is the pipeline file, the lock or the engine's own state is refused", async () => {
    const result = await runWith('stages:\n  a:\n    cmd: "true"\n    outs: [pipeline.yaml, dagmake.lock, cache/objects]\n', { 'keep.txt': 'kept\n' });
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /pipeline\.yaml:4:\d+ error: output "pipeline\.yaml" of stage "a" is the pipeline file/);
    assert.match(result.stderr, /output "dagmake\.lock" of stage "a" is the lock file/);
    assert.match(result.stderr, /output "cache\/objects" of stage "a" is inside dagmake's own "cache" directory/);
  });

  test('a params problem fails its stage with the place in the pipeline and what to do', async () => {
    const result = await runWith(
      'stages:\n  s:\n    cmd: echo hi > o.txt\n    params:\n      - p.yaml: [nested.z]\n    outs: [o.txt]\n  t:\n    cmd: echo hi > t.txt\n    params: [lr]\n    outs: [t.txt]\n',
      { 'p.yaml': 'nested: {y: 2}\n' },
      ['run', '-k'],
    );
    assert.equal(result.exitCode, 1);
    assert.match(result.stdout + result.stderr, /s failed: pipeline\.yaml:5:9: params key 'nested\.z' not found in p\.yaml \(hint: did you mean 'nested\.y'\?\)/);
    assert.match(result.stdout + result.stderr, /t failed: pipeline\.yaml:9:14: cannot read params file lr: .*write `- params\.yaml: \[lr\]`/);
  });

  test('an out missing because it was written relative to wdir says so', async () => {
    const result = await runWith('stages:\n  w:\n    cmd: pwd > out.txt\n    wdir: sub\n    outs: [out.txt]\n', { 'sub/keep': '' });
    assert.equal(result.exitCode, 1);
    assert.match(result.stdout + result.stderr, /did not produce declared out "out\.txt" \(but "sub\/out\.txt" exists: outs are relative to the project root, not to wdir "sub"\)/);
  });

  test('a wdir that is missing or a file fails its stage naming the wdir, not with the shell\'s "can\'t cd"', async () => {
    const result = await runWith('stages:\n  w:\n    cmd: echo w > w.txt\n    wdir: nowhere\n  f:\n    cmd: echo f > f.txt\n    wdir: file.txt\n', { 'file.txt': '' }, ['run', '-k']);
    assert.equal(result.exitCode, 1);
    const output = result.stdout + result.stderr;
    assert.match(output, /w failed: its working directory "nowhere" \(wdir\) does not exist; hint: wdir is relative to the project root/);
    assert.match(output, /f failed: its working directory "file\.txt" \(wdir\) is not a directory; hint:/);
    assert.doesNotMatch(output, /can't cd/);
  });

  test("an out holding a vars file or the stage's own params file or module is refused", async () => {
    const result = await runWith(
      'vars:\n  - conf/v.yaml\nstages:\n  s:\n    cmd: "true"\n    params:\n      - own/p.yaml: [a]\n    outs: [conf, own]\n  m:\n    uses: mod/s.ts\n    outs: [mod]\n',
      { 'conf/v.yaml': 'x: 1\n', 'own/p.yaml': 'a: 1\n', 'mod/s.ts': 'export default () => {};\n' },
    );
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /output "conf" of stage "s" contains the vars file "conf\/v\.yaml"/);
    assert.match(result.stderr, /output "own" of stage "s" contains its own params file "own\/p\.yaml"/);
    assert.match(result.stderr, /output "mod" of stage "m" contains its own module "mod\/s\.ts"/);
  });

  test('a global option with an empty value is refused', async () => {
    for (const option of ['--file=', '--directory=']) {
      const result = await runWith('stages:\n  a:\n    cmd: "true"\n', {}, [option, 'status']);
      assert.equal(result.exitCode, 2, option);
      assert.match(result.stderr, new RegExp(`option ${option.slice(0, -1)} needs a value`));
    }
  });

  test('an out that cannot be stored (a dangling link inside) says why, and what was written is moved aside', async () => {
    const project = await tempProject({ 'pipeline.yaml': 'stages:\n  a:\n    cmd: mkdir -p out && echo f > out/f && ln -sf nowhere out/l\n    outs: [out]\n' });
    try {
      const result = await runCli(project.root, ['run']);
      assert.equal(result.exitCode, 1);
      assert.match(result.stdout + result.stderr, /produced outs that cannot be stored: "out": out\/l is a dangling symlink \(what it wrote moved to \.dagmake\/failed\/a\/\)/);
      assert.equal(await project.read('.dagmake/failed/a/out/f'), 'f\n');
    } finally {
      await project.dispose();
    }
  });

  test('unknown target', async () => {
    const result = await runWith('stages:\n  prepare:\n    cmd: echo\n', {}, ['run', 'prepre']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /unknown stage "prepre"/);
    assert.match(result.stderr, /did you mean "prepare"/);
  });

  test('unknown flag', async () => {
    const result = await runWith('stages:\n  a:\n    cmd: echo\n', {}, ['run', '--frobnicate']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /frobnicate/);
  });

  test('a stage that exits 0 without its declared out fails naming the path', async () => {
    const result = await runWith('stages:\n  a:\n    cmd: "true"\n    outs: [never.txt]\n', {}, ['run']);
    assert.equal(result.exitCode, 1);
    assert.match(result.stdout + result.stderr, /never\.txt/);
  });
});

describe('the command line', () => {
  const pipeline = 'stages:\n  quiet:\n    cmd: "true"\n  prepare:\n    cmd: echo prepared\n';

  test('global options may come before the command, with their values', async () => {
    const project = await tempProject({ 'pipeline.x.yaml': pipeline });
    try {
      const parent = path.dirname(project.root);
      const name = path.basename(project.root);
      for (const args of [
        ['-C', name, '-f', 'pipeline.x.yaml', 'status'],
        [`--directory=${name}`, `--file=pipeline.x.yaml`, 'status'],
        ['-C', name, 'status', '-f', 'pipeline.x.yaml'],
      ]) {
        const result = await runCli(parent, args);
        assert.equal(result.exitCode, 0, `${args.join(' ')}: ${result.stderr}`);
        assert.match(result.stdout, /2 of 2 stages stale/);
      }
      const inProject = await runCli(project.root, ['-f', 'pipeline.x.yaml', 'status']);
      assert.match(inProject.stdout, /2 of 2 stages stale/);
      const misplaced = await runCli(project.root, ['--jobs', '2', 'run']);
      assert.equal(misplaced.exitCode, 2);
      assert.match(misplaced.stderr, /unknown option --jobs before the command\n {2}hint: only global options/);
    } finally {
      await project.dispose();
    }
  });

  test('a mistyped long option is named, with the option meant', async () => {
    const result = await runWith(pipeline, {}, ['run', '--jbos', '2']);
    assert.equal(result.exitCode, 2);
    assert.match(result.stderr, /^error: unknown option --jbos\n {2}hint: did you mean --jobs\? see "dagmake run --help"$/);
  });

  test('logs tells an unknown stage from one that printed nothing', async () => {
    const project = await tempProject({ 'pipeline.yaml': pipeline });
    try {
      const unknown = await runCli(project.root, ['logs', 'prepre']);
      assert.equal(unknown.exitCode, 2);
      assert.match(unknown.stderr, /stage "prepre" does not exist in pipeline\.yaml\n {2}hint: did you mean "prepare"\?/);
      const notRun = await runCli(project.root, ['logs', 'quiet']);
      assert.match(notRun.stderr, /has not run in this project yet/);
      assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
      const silent = await runCli(project.root, ['logs', 'quiet']);
      assert.equal(silent.exitCode, 0);
      assert.equal(silent.stdout, '');
      assert.match(silent.stderr, /stage "quiet" printed no output in its last run/);
      assert.equal((await runCli(project.root, ['logs', 'prepare'])).stdout, 'prepared', 'execa drops the last newline');
    } finally {
      await project.dispose();
    }
  });

  test('-C must name a directory: a file or a missing one is not taken for the project above it', async () => {
    const project = await tempProject({ 'pipeline.yaml': pipeline, 'notes.txt': 'x\n' });
    try {
      const file = await runCli(project.root, ['-C', 'notes.txt', 'status']);
      assert.equal(file.exitCode, 2);
      assert.match(file.stderr, /^error: -C "notes\.txt" is not a directory\n {2}hint: give the project directory/);
      const missing = await runCli(project.root, ['gc', '-C', 'nowhere']);
      assert.equal(missing.exitCode, 2);
      assert.match(missing.stderr, /^error: directory "nowhere" given with -C does not exist/);
      assert.equal(existsSync(path.join(project.root, 'nowhere')), false);
    } finally {
      await project.dispose();
    }
  });

  test('gc and dag take no operands, and dag one format: a mistyped option is refused, not ignored', async () => {
    const project = await tempProject({ 'pipeline.yaml': 'stages:\n  a:\n    cmd: echo a > a.txt\n    outs: [a.txt]\n' });
    try {
      assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
      const gc = await runCli(project.root, ['gc', 'dry']);
      assert.equal(gc.exitCode, 2);
      assert.equal(gc.stdout, '');
      assert.match(gc.stderr, /^error: unexpected argument "dry"\n {2}hint: did you mean --dry\? see "dagmake gc --help"$/);
      const dag = await runCli(project.root, ['dag', 'a']);
      assert.equal(dag.exitCode, 2);
      assert.match(dag.stderr, /unexpected argument "a"/);
      const both = await runCli(project.root, ['dag', '--mermaid', '--dot']);
      assert.equal(both.exitCode, 2);
      assert.match(both.stderr, /^error: --mermaid and --dot exclude each other; give one of them\n/);
    } finally {
      await project.dispose();
    }
  });

  test('gc and cache verify outside any project refuse, and leave nothing behind', async () => {
    const project = await tempProject({ 'readme.txt': 'not a project\n' });
    try {
      await writeFile(path.join(project.root, '.git'), 'gitdir: elsewhere\n');
      for (const args of [['gc'], ['gc', '--dry'], ['cache', 'verify']]) {
        const result = await runCli(project.root, args);
        assert.equal(result.exitCode, 2, args.join(' '));
        assert.match(result.stderr, /pipeline file "pipeline\.yaml" not found, and no lock either: not a dagmake project/);
      }
      assert.deepEqual((await readdir(project.root)).sort(), ['.git', 'readme.txt']);
    } finally {
      await project.dispose();
    }
  });

  test('logs of a foreach or matrix stage by its template name lists the expansions', async () => {
    const result = await runWith('stages:\n  train:\n    matrix: {m: [a, b]}\n    cmd: echo ${item.m}\n', {}, ['logs', 'train']);
    assert.equal(result.exitCode, 2);
    assert.equal(
      result.stderr,
      'error: stage "train" does not exist in pipeline.yaml\n  hint: "train" is expanded by foreach or matrix; each expansion has its own log: "train@a", "train@b"',
    );
  });

  test('counts of one are singular', async () => {
    const result = await runWith('stages:\n  a:\n    cmd: "true"\n', {}, ['run', '-j', '1']);
    assert.match(result.stdout, /^dagmake: 1 stage, 1 job$/m);
  });
});
