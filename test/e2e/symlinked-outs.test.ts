// Declared paths that differ as text can be one file once a symbolic link inside the project is
// followed: two such outs are refused before anything runs, and a dep read through a link waits
// for the stage that writes the file.
import assert from 'node:assert/strict';
import { mkdir, realpath, symlink } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { Hasher } from '../../src/hash/hasher.js';
import { findPathLinks } from '../../src/pipeline/path-links.js';
import { loadWatchPlan } from '../../src/watch/watch-plan.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

async function withProject(pipeline: string, setUp: (project: TempProject) => Promise<void>, check: (project: TempProject) => Promise<void>) {
  const project = await tempProject({ 'pipeline.yaml': pipeline });
  try {
    await setUp(project);
    await check(project);
  } finally {
    await project.dispose();
  }
}

const link = (project: TempProject, target: string, name: string) => symlink(target, path.join(project.root, name));

const SAME_FILE = `stages:
  a: {cmd: echo a > real/x.txt, outs: [real/x.txt]}
  b: {cmd: echo b > alias/x.txt, outs: [alias/x.txt]}
`;

describe('outs through symbolic links', () => {
  test('two outs that are one file through a linked directory exit 2, naming both outs and the link', async () => {
    await withProject(
      SAME_FILE,
      async (project) => {
        await mkdir(path.join(project.root, 'real'));
        await link(project, 'real', 'alias');
      },
      async (project) => {
        for (const command of [['run'], ['status'], ['run', '--dry']]) {
          const result = await runCli(project.root, command);
          assert.equal(result.exitCode, 2, `${command.join(' ')}: ${result.stdout}${result.stderr}`);
          assert.match(
            result.stderr,
            /pipeline\.yaml:3:\d+ error: output "alias\/x\.txt" of stage "b" is the same file as output "real\/x\.txt" of stage "a": "alias" is a symbolic link to "real"\n {2}hint: "real\/x\.txt" is declared at pipeline\.yaml:2:\d+; every file has exactly one producing stage/,
          );
        }
        await assert.rejects(project.read('real/x.txt'), 'nothing ran');
      },
    );
  });

  test('the link may lead to a directory that does not exist yet', async () => {
    await withProject(
      SAME_FILE,
      (project) => link(project, 'real', 'alias'),
      async (project) => {
        const result = await runCli(project.root, ['run']);
        assert.equal(result.exitCode, 2);
        assert.match(result.stderr, /output "alias\/x\.txt" of stage "b" is the same file as output "real\/x\.txt" of stage "a"/);
      },
    );
  });

  test('an out inside another stage\'s out directory through a link is refused', async () => {
    await withProject(
      'stages:\n  a: {cmd: mkdir -p real, outs: [real]}\n  b: {cmd: echo b > alias/x.txt, outs: [alias/x.txt]}\n',
      (project) => link(project, 'real', 'alias'),
      async (project) => {
        const result = await runCli(project.root, ['run']);
        assert.equal(result.exitCode, 2);
        assert.match(result.stderr, /pipeline\.yaml:3:\d+ error: output "alias\/x\.txt" of stage "b" is inside output "real" of stage "a": "alias" is a symbolic link to "real"/);
      },
    );
  });

  test('an out that lands in dagmake\'s own directories through a link is refused', async () => {
    await withProject(
      'stages:\n  a: {cmd: "true", outs: [c/objects/x]}\n',
      (project) => link(project, 'cache', 'c'),
      async (project) => {
        const result = await runCli(project.root, ['run']);
        assert.equal(result.exitCode, 2);
        assert.match(result.stderr, /output "c\/objects\/x" of stage "a" is inside dagmake's own "cache" directory: "c" is a symbolic link to "cache"/);
      },
    );
  });

  test('outs through a link to a directory of their own stay up to date', async () => {
    await withProject(
      'stages:\n  a: {cmd: echo a > out/a.txt, outs: [out/a.txt]}\n  b: {cmd: echo b > out/b.txt, outs: [out/b.txt]}\n',
      async (project) => {
        await mkdir(path.join(project.root, 'elsewhere'));
        await link(project, 'elsewhere', 'out');
      },
      async (project) => {
        assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
        const again = await runCli(project.root, ['run']);
        assert.equal(again.exitCode, 0, again.stderr);
        assert.match(again.stdout, /0 ran · 0 restored · 2 up to date/);
        const status = await runCli(project.root, ['status']);
        assert.match(status.stdout, /everything is up to date/);
      },
    );
  });
});

describe('deps through symbolic links', () => {
  test('a dep read through a linked directory runs after the stage that writes it', async () => {
    // The reader comes first in the file, so only the edge can put the writer first.
    await withProject(
      'stages:\n  read:\n    cmd: cat alias/x.txt > copy.txt\n    deps: [alias/x.txt]\n    outs: [copy.txt]\n  write:\n    cmd: echo written > real/x.txt\n    outs: [real/x.txt]\n',
      async (project) => {
        await mkdir(path.join(project.root, 'real'));
        await link(project, 'real', 'alias');
      },
      async (project) => {
        const result = await runCli(project.root, ['run', '-j', '2']);
        assert.equal(result.exitCode, 0, result.stdout + result.stderr);
        assert.equal(await project.read('copy.txt'), 'written\n');
        assert.ok(result.stdout.indexOf('write ran') < result.stdout.indexOf('read ran'), result.stdout);
        // `dag` and watch mode see the same edge as the run.
        assert.equal((await runCli(project.root, ['dag'])).stdout, 'write\nread ← write');
        const hasher = await Hasher.open(project.root);
        try {
          const plan = await loadWatchPlan(path.join(project.root, 'pipeline.yaml'), 'pipeline.yaml', { targets: [], downstream: false, single: false }, hasher);
          assert.ok(plan.ok);
          assert.deepEqual([...plan.value.graph.upstream.get('read')!], ['write']);
        } finally {
          await hasher.close();
        }
      },
    );
  });
});

describe('findPathLinks', () => {
  test('undefined without a link among the parent directories, where nothing more is done', async () => {
    await withProject(
      'stages: {}\n',
      async (project) => {
        await mkdir(path.join(project.root, 'out'));
        await link(project, 'out', 'self.txt');
      },
      async (project) => {
        // A path that is itself a link is not followed: only its parents are looked at.
        assert.equal(findPathLinks(project.root, ['out/a.txt', 'out/b.txt', 'in/a.txt', 'self.txt', '.']), undefined);
        const links = findPathLinks(project.root, ['self.txt/a.txt']);
        assert.ok(links);
        const real = path.join(await realpath(project.root), 'out/a.txt');
        assert.deepEqual(links.resolve('self.txt/a.txt'), { real, link: 'self.txt', inProject: 'out/a.txt' });
      },
    );
  });
});
