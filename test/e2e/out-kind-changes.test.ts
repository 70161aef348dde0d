// An empty directory and an empty file have the same hash, so a dep or out that turns from one
// into the other must be caught by its type, and an out declared as a directory (`d/`) must be one.
import assert from 'node:assert/strict';
import { mkdir, rmdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { StaleReason } from '../../src/events.js';
import { dryPlan } from '../helpers/dry-run.js';
import { runCli, statuses } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

interface StatusRow {
  readonly stage: string;
  readonly state: string;
  readonly reasons: readonly StaleReason[];
}

async function statusRows(root: string): Promise<Record<string, StatusRow>> {
  const result = await runCli(root, ['status', '--json']);
  assert.equal(result.exitCode, 0, result.stderr);
  return Object.fromEntries((JSON.parse(result.stdout) as StatusRow[]).map((row) => [row.stage, row]));
}

const typeOf = async (file: string): Promise<string> => ((await stat(file)).isDirectory() ? 'directory' : 'file');

describe('outs and deps that change type', () => {
  let project: TempProject;
  const at = (relative: string): string => path.join(project.root, relative);
  before(async () => {
    project = await tempProject({
      'pipeline.yaml': `
stages:
  mkdir:
    cmd: mkdir -p empty
    outs: [empty/]
  touch:
    cmd: touch e.txt
    outs: [e.txt]
  list:
    cmd: ls input > listing.txt
    deps: [input]
    outs: [listing.txt]
`,
    });
    await mkdir(at('input'));
    const first = await runCli(project.root, ['run', '--json']);
    assert.equal(first.exitCode, 0, first.stderr);
    assert.deepEqual(statuses(first.events), { list: 'ran', mkdir: 'ran', touch: 'ran' });
  });
  after(() => project.dispose());

  test('a directory out replaced by an empty file, and a file out by an empty directory, are stale', async () => {
    await rmdir(at('empty'));
    await writeFile(at('empty'), '');
    await project.remove('e.txt');
    await mkdir(at('e.txt'));
    const rows = await statusRows(project.root);
    assert.deepEqual(rows.mkdir?.reasons, [{ kind: 'type-changed', of: 'out', path: 'empty', expected: 'directory', found: 'file' }]);
    assert.deepEqual(rows.touch?.reasons, [{ kind: 'type-changed', of: 'out', path: 'e.txt', expected: 'file', found: 'directory' }]);
    assert.equal(rows.list?.state, 'up-to-date');
    const text = await runCli(project.root, ['status']);
    assert.match(text.stdout, /mkdir: out empty is a file, expected a directory/);
    assert.match(text.stdout, /touch: out e\.txt is a directory, expected a file/);
  });

  test('run --dry and run put them back as they were recorded', async () => {
    const plan = await dryPlan(project.root);
    assert.deepEqual(Object.fromEntries(plan.map((p) => [p.stage, p.action])), { mkdir: 'restore', touch: 'restore', list: 'up-to-date' });
    const result = await runCli(project.root, ['run', '--json']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(statuses(result.events), { list: 'up-to-date', mkdir: 'restored', touch: 'restored' });
    assert.equal(await typeOf(at('empty')), 'directory');
    assert.equal(await typeOf(at('e.txt')), 'file');
    assert.match((await runCli(project.root, ['status'])).stdout, /everything is up to date/);
  });

  test('a directory dep replaced by an empty file is stale and reruns rather than reusing the directory\'s result', async () => {
    await rmdir(at('input'));
    await writeFile(at('input'), '');
    const rows = await statusRows(project.root);
    assert.deepEqual(rows.list?.reasons, [{ kind: 'type-changed', of: 'dep', path: 'input', expected: 'directory', found: 'file' }]);
    const explain = await runCli(project.root, ['explain', 'list']);
    assert.match(explain.stdout, /dep input is a file, expected a directory/);
    const result = await runCli(project.root, ['run', '--json']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.equal(statuses(result.events).list, 'ran');
    assert.equal(await project.read('listing.txt'), 'input\n');
  });
});

describe('an out declared as a directory', () => {
  let project: TempProject;
  before(async () => {
    project = await tempProject({ 'pipeline.yaml': 'stages:\n  make:\n    cmd: touch d\n    outs: [d/]\n' });
  });
  after(() => project.dispose());

  test('fails its stage when the stage writes a file there', async () => {
    const result = await runCli(project.root, ['run', '--json']);
    assert.equal(result.exitCode, 1);
    const event = result.events.find((e) => e.type === 'stage' && e.stage === 'make');
    assert.equal(event?.type === 'stage' && event.status, 'failed');
    assert.match(event?.type === 'stage' ? (event.failure?.message ?? '') : '', /"d": it is a file, but the pipeline declares a directory there \("d\/"\)/);
    assert.match((await runCli(project.root, ['status'])).stdout, /make: never run/);
  });

  test('a file recorded before the slash was added is stale and not restored from the run cache', async () => {
    await project.write('pipeline.yaml', 'stages:\n  make:\n    cmd: touch d\n    outs: [d]\n');
    const first = await runCli(project.root, ['run', '--json']);
    assert.equal(statuses(first.events).make, 'ran', first.stderr);
    await project.write('pipeline.yaml', 'stages:\n  make:\n    cmd: touch d\n    outs: [d/]\n');
    const rows = await statusRows(project.root);
    assert.deepEqual(rows.make?.reasons, [{ kind: 'type-changed', of: 'out', path: 'd', expected: 'directory', found: 'file' }]);
    await project.remove('d');
    const result = await runCli(project.root, ['run', '--json']);
    assert.equal(result.exitCode, 1);
    assert.equal(statuses(result.events).make, 'failed');
  });
});
