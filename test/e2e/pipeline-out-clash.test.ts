// Two pipeline files of one project may not write the same path: each would overwrite the
// other's output on every run. A stage that moved from one file to the other is no clash, but one
// that both files still define is.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

test('a pipeline whose out another pipeline records is refused before anything runs', async () => {
  const project = await tempProject({
    'pipeline.yaml': 'stages:\n  make: {cmd: echo a > x.txt, outs: [x.txt]}\n',
    'other.yaml': 'stages:\n  other:\n    cmd: echo b > x.txt\n    outs: [x.txt]\n  fine:\n    cmd: echo c > y.txt\n    outs: [y.txt]\n',
  });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    const refused = await runCli(project.root, ['-f', 'other.yaml', 'run']);
    assert.equal(refused.exitCode, 2, refused.stdout + refused.stderr);
    assert.match(
      refused.stderr,
      /^other\.yaml:4:12 error: out "x\.txt" of stage "other" overlaps out "x\.txt" of stage "make", which dagmake\.lock records for another pipeline file \(pipeline\.yaml\)/m,
    );
    assert.equal(await project.read('x.txt'), 'a\n', 'nothing ran');

    // The other pipeline file is named as the project names it, .yml included.
    await project.write('other.yml', await project.read('other.yaml'));
    await project.remove('other.yaml');
    assert.equal((await runCli(project.root, ['-f', 'other.yml', 'run', 'fine'])).exitCode, 2);
    await project.write('other.yml', 'stages:\n  fine: {cmd: echo c > y.txt, outs: [y.txt]}\n');
    assert.equal((await runCli(project.root, ['-f', 'other.yml', 'run'])).exitCode, 0);
    await project.write('pipeline.yaml', 'stages:\n  make: {cmd: echo a > x.txt, outs: [x.txt]}\n  late: {cmd: echo d > y.txt, outs: [y.txt]}\n');
    const fromYaml = await runCli(project.root, ['run']);
    assert.equal(fromYaml.exitCode, 2, fromYaml.stdout + fromYaml.stderr);
    assert.match(fromYaml.stderr, /which other\.dagmake\.lock records for another pipeline file \(other\.yml\)/);
    assert.match(fromYaml.stderr, /dagmake -f other\.yml run/);
    await project.write('pipeline.yaml', 'stages:\n  make: {cmd: echo a > x.txt, outs: [x.txt]}\n');
    await project.write('other.yaml', 'stages:\n  other:\n    cmd: echo b > x.txt\n    outs: [x.txt]\n  fine:\n    cmd: echo c > y.txt\n    outs: [y.txt]\n');
    await project.remove('other.yml');

    // The stage moves to other.yaml under its own name: no clash, and pipeline.yaml's next run drops it.
    await project.write('other.yaml', 'stages:\n  make: {cmd: echo a > x.txt, outs: [x.txt]}\n');
    await project.write('pipeline.yaml', 'stages:\n  fine: {cmd: echo c > y.txt, outs: [y.txt]}\n');
    assert.equal((await runCli(project.root, ['-f', 'other.yaml', 'run'])).exitCode, 0);
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
  } finally {
    await project.dispose();
  }
});

test('a stage that both pipeline files still define is no move: its out is refused', async () => {
  const make = 'stages:\n  make: {cmd: echo a > x.txt, outs: [x.txt]}\n';
  const project = await tempProject({ 'pipeline.yaml': make, 'other.yaml': make });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    const refused = await runCli(project.root, ['-f', 'other.yaml', 'run']);
    assert.equal(refused.exitCode, 2, refused.stdout + refused.stderr);
    assert.match(
      refused.stderr,
      /^other\.yaml:2:38 error: out "x\.txt" of stage "make" is also an out of stage "make" of another pipeline file \(pipeline\.yaml\), which still defines it/m,
    );
    assert.match(refused.stderr, /hint: define "make" in one pipeline file only: if it moved to other\.yaml, remove it from pipeline\.yaml/);

    // A pipeline file that no longer loads still names its stages, as long as its YAML parses.
    await project.write('pipeline.yaml', `${make}  broken: {cmd: true, unknown: 1}\n`);
    assert.equal((await runCli(project.root, ['-f', 'other.yaml', 'run'])).exitCode, 2);
    // With the YAML itself broken nothing can be told, and the stage counts as moved.
    await project.write('pipeline.yaml', `${make}  broken: [\n`);
    assert.equal((await runCli(project.root, ['-f', 'other.yaml', 'run'])).exitCode, 0);

    // other.dagmake.lock may belong to other.yml as well: the file that defines the stage is named.
    await project.write('pipeline.yaml', make);
    await project.remove('other.yaml');
    await project.write('other.yml', make);
    const fromYml = await runCli(project.root, ['run']);
    assert.equal(fromYml.exitCode, 2, fromYml.stdout + fromYml.stderr);
    assert.match(fromYml.stderr, /of another pipeline file \(other\.yml\), which still defines it/);
  } finally {
    await project.dispose();
  }
});
