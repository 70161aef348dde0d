// `run --dry` must predict what the real run then does: up to date, restored, run, or "may run"
// for the dependents of a stage whose new outputs are not known yet.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { actions, assertRunMatchesPlan, dryPlan } from '../helpers/dry-run.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const pipeline = `
stages:
  primo:
    cmd: tr a-z A-Z < in.txt > a.txt
    deps: [in.txt]
    outs: [a.txt]
  b:
    cmd: cat a.txt a.txt > b.txt
    deps: [a.txt]
    outs: [b.txt]
  c:
    cmd: cat b.txt b.txt b.txt > c.txt
    deps: [b.txt]
    outs: [c.txt]
  fz:
    cmd: cp in.txt fz.txt
    deps: [in.txt]
    outs: [fz.txt]
    frozen: true
`;

describe('run --dry', () => {
  let project: TempProject;
  before(async () => {
    project = await tempProject({ 'pipeline.yaml': pipeline, 'in.txt': 'hello\n' });
    const first = await runCli(project.root, ['run']);
    assert.equal(first.exitCode, 0, first.stderr);
  });
  after(() => project.dispose());

  const runAndCompare = async (plan: Awaited<ReturnType<typeof dryPlan>>) => {
    const result = await runCli(project.root, ['run', '--json']);
    assert.equal(result.exitCode, 0, result.stderr);
    assertRunMatchesPlan(plan, result.events);
  };

  test('an out deleted by hand: restored from the run cache, and its dependent stays up to date', async () => {
    await project.remove('b.txt');
    const text = await runCli(project.root, ['run', '--dry']);
    assert.match(text.stdout, /^would restore b from the run cache: out b\.txt missing$/m);
    assert.match(text.stdout, /^up to date c$/m);
    assert.match(text.stdout, /^up to date fz \(frozen, not checked\)$/m);
    const plan = await dryPlan(project.root);
    assert.deepEqual(actions(plan), { primo: 'up-to-date', b: 'restore', c: 'up-to-date', fz: 'up-to-date' });
    assert.deepEqual(plan.find((p) => p.stage === 'b')?.reasons, [{ kind: 'out-missing', path: 'b.txt' }]);
    assert.equal(plan.find((p) => p.stage === 'fz')?.frozen, true);
    // What a real run would not do either: restore without the run cache, or skip anything with --force.
    assert.equal(actions(await dryPlan(project.root, ['--no-run-cache'])).b, 'run');
    assert.deepEqual(actions(await dryPlan(project.root, ['--force'])), { primo: 'run', b: 'run', c: 'run', fz: 'up-to-date' });
    await runAndCompare(plan);
  });

  test('a frozen stage reads as frozen, not checked, in the run as in the plan and status', async () => {
    const plain = await runCli(project.root, ['run']);
    assert.match(plain.stdout, /^· fz frozen \(not checked\)$/m);
    const json = await runCli(project.root, ['run', '--json']);
    const event = json.events.find((e) => e.type === 'stage' && e.stage === 'fz');
    assert.deepEqual(event?.type === 'stage' && [event.status, event.frozen], ['up-to-date', true]);
    const status = await runCli(project.root, ['status']);
    assert.match(status.stdout, /^frozen \(not checked\): fz$/m);
  });

  test('a run-cache entry whose object is damaged in the cache: the stage would run', async () => {
    const hash = createHash('sha256').update(await project.read('b.txt')).digest('hex');
    const object = path.join(project.root, 'cache', 'objects', hash.slice(0, 2), hash.slice(2));
    await chmod(object, 0o644);
    await writeFile(object, 'HELLO\n');
    await project.remove('b.txt');
    const text = await runCli(project.root, ['run', '--dry']);
    assert.match(text.stdout, /^would run b: out b\.txt missing$/m);
    const plan = await dryPlan(project.root);
    assert.equal(actions(plan).b, 'run');
    await runAndCompare(plan);
  });

  test('a changed dep: the stage runs, and every stage downstream may run', async () => {
    await project.write('in.txt', 'world\n');
    const text = await runCli(project.root, ['run', '--dry']);
    assert.match(text.stdout, /^would run primo: dep in\.txt changed$/m);
    assert.match(text.stdout, /^may run b \(if primo produces different outputs\)$/m);
    assert.match(text.stdout, /^may run c \(if b produces different outputs\)$/m);
    const plan = await dryPlan(project.root, ['--reporter', 'json']);
    assert.deepEqual(actions(plan), { primo: 'run', b: 'may-run', c: 'may-run', fz: 'up-to-date' });
    assert.deepEqual(plan.find((p) => p.stage === 'c')?.upstream, ['b']);
    await runAndCompare(plan);
  });

  test('back to earlier inputs: the restored outputs are known, so their dependents are predicted exactly', async () => {
    await project.write('in.txt', 'hello\n');
    const plan = await dryPlan(project.root);
    assert.deepEqual(actions(plan), { primo: 'restore', b: 'restore', c: 'restore', fz: 'up-to-date' });
    assert.deepEqual(
      plan.find((p) => p.stage === 'b')?.reasons.map((r) => r.kind),
      ['dep-changed'],
    );
    await runAndCompare(plan);
    assert.deepEqual(actions(await dryPlan(project.root)), { primo: 'up-to-date', b: 'up-to-date', c: 'up-to-date', fz: 'up-to-date' });
  });
});

test('run --dry: a stale stage whose deps an upstream stage remakes runs, or is restored if those outputs were seen before', async () => {
  const project = await tempProject({
    'pipeline.yaml': `
stages:
  up: {cmd: cp in.txt u.txt, deps: [in.txt], outs: [u.txt]}
  down:
    cmd: cat u.txt p.yaml > d.txt
    deps: [u.txt]
    params: [{p.yaml: [k]}]
    outs: [d.txt]
`,
    'in.txt': '1\n',
    'p.yaml': 'k: 1\n',
  });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    await project.write('in.txt', '2\n');
    await project.write('p.yaml', 'k: 2\n');
    const text = await runCli(project.root, ['run', '--dry']);
    assert.match(text.stdout, /^would run down: params p\.yaml:k 1 → 2 \(or restore it, depending on what up produces\)$/m);
    const plan = await dryPlan(project.root);
    assert.deepEqual(actions(plan), { up: 'run', down: 'run' });
    assert.deepEqual(plan.find((p) => p.stage === 'down')?.upstream, ['up']);
    const result = await runCli(project.root, ['run', '--json']);
    assertRunMatchesPlan(plan, result.events);
  } finally {
    await project.dispose();
  }
});

test('run --dry: a file dep inside a directory that would be restored is predicted from the cached tree', async () => {
  const project = await tempProject({
    'pipeline.yaml': `
stages:
  gen: {cmd: mkdir -p d && cp in.txt d/x.txt && echo y > d/y.txt, deps: [in.txt], outs: [d]}
  whole: {cmd: cat d/x.txt d/y.txt > w.txt, deps: [d], outs: [w.txt]}
  part: {cmd: cp d/x.txt p.txt, deps: [d/x.txt], outs: [p.txt]}
`,
    'in.txt': '1\n',
  });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    await project.remove('d');
    const plan = await dryPlan(project.root);
    assert.deepEqual(actions(plan), { gen: 'restore', whole: 'up-to-date', part: 'up-to-date' });
    const result = await runCli(project.root, ['run', '--json']);
    assertRunMatchesPlan(plan, result.events);
  } finally {
    await project.dispose();
  }
});
