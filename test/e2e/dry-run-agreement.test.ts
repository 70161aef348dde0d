// `run --dry` and the real run, side by side in the same project state: every stage must end the
// way the plan said, including stages that fail on a missing dep (same reasons, same message),
// the stages skipped after them, and restores that --verify refuses.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { chmod, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import type { DagEvent, StaleReason } from '../../src/events.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

interface Plan {
  readonly type: 'plan';
  readonly stage: string;
  readonly action: 'up-to-date' | 'restore' | 'run' | 'may-run' | 'fail' | 'skip';
  readonly reasons: readonly StaleReason[];
  readonly upstream?: readonly string[];
  readonly frozen?: boolean;
  readonly failure?: { readonly message: string };
}

type StageEvent = Extract<DagEvent, { type: 'stage' }>;

async function dryPlan(root: string, args: readonly string[] = []): Promise<Plan[]> {
  const result = await runCli(root, ['run', '--dry', '--json', ...args]);
  assert.equal(result.exitCode, 0, result.stderr);
  return result.stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const parsed = JSON.parse(line) as Plan;
      assert.equal(parsed.type, 'plan', line);
      return parsed;
    });
}

async function realRun(root: string, args: readonly string[] = []): Promise<Map<string, StageEvent>> {
  const result = await runCli(root, ['run', '--json', ...args]);
  assert.ok(result.exitCode === 0 || result.exitCode === 1, result.stderr);
  return new Map(result.events.filter((e): e is StageEvent => e.type === 'stage').map((e) => [e.stage, e]));
}

const actions = (plan: readonly Plan[]) => Object.fromEntries(plan.map((p) => [p.stage, p.action]));

const allowed: Record<Plan['action'], readonly string[]> = {
  'up-to-date': ['up-to-date'],
  restore: ['restored'],
  run: ['ran'],
  'may-run': ['ran', 'restored', 'up-to-date'],
  fail: ['failed'],
  skip: ['skipped'],
};

/** The plan, then the real run with the same arguments: every stage ends as predicted. */
async function assertRunAgrees(root: string, args: readonly string[] = []): Promise<Plan[]> {
  const plan = await dryPlan(root, args);
  const events = await realRun(root, args);
  assert.deepEqual([...events.keys()].sort(), plan.map((p) => p.stage).sort());
  for (const p of plan) {
    const event = events.get(p.stage)!;
    const ok = [...allowed[p.action], ...(p.action === 'run' && p.upstream ? ['restored'] : [])];
    assert.ok(ok.includes(event.status), `${p.stage}: predicted ${p.action}, the run says ${event.status}`);
    if (p.action === 'fail') {
      assert.deepEqual(p.reasons, event.reason, `${p.stage}: reasons`);
      assert.equal(p.failure?.message, event.failure?.message, `${p.stage}: failure`);
    }
    // With -k a stage is skipped for its own upstream failures only, as the plan names them.
    if (p.action === 'skip' && args.includes('-k')) assert.deepEqual(p.upstream, event.skippedBecause);
  }
  return plan;
}

async function withProject(files: Record<string, string>, body: (project: TempProject) => Promise<void>): Promise<void> {
  const project = await tempProject(files);
  try {
    await body(project);
  } finally {
    await project.dispose();
  }
}

const frozenChain = `
stages:
  gen:
    cmd: cp in.txt g.txt
    deps: [in.txt]
    outs: [g.txt]
    frozen: true
  fz:
    cmd: cp g.txt f.txt
    deps: [g.txt]
    outs: [f.txt]
    frozen: true
  down:
    cmd: cp f.txt d.txt
    deps: [f.txt]
    outs: [d.txt]
  other:
    cmd: cp in.txt o.txt
    deps: [in.txt]
    outs: [o.txt]
`;

test('run --dry agrees: frozen stages with lock entries put back their missing outs, or fail without a cached copy', async () => {
  await withProject({ 'pipeline.yaml': frozenChain, 'in.txt': 'hi\n' }, async (project) => {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    await project.remove('g.txt');
    await project.remove('f.txt');
    await project.write('in.txt', 'changed\n');
    const text = await runCli(project.root, ['run', '--dry']);
    assert.match(text.stdout, /^would restore fz \(frozen\) from the cache: out f\.txt missing$/m);
    assert.match(text.stdout, /^up to date down$/m);
    const plan = await assertRunAgrees(project.root, ['-k']);
    assert.deepEqual(actions(plan), { gen: 'restore', fz: 'restore', down: 'up-to-date', other: 'run' });
    assert.equal(await project.read('g.txt'), 'hi\n', 'the recorded content, not a rerun');
    // Without a cached copy a frozen stage cannot put its out back, and --force does not run it either.
    await project.remove('g.txt');
    await project.remove('f.txt');
    await rm(path.join(project.root, 'cache'), { recursive: true, force: true });
    assert.deepEqual(actions(await assertRunAgrees(project.root, ['--force', '-k'])), { gen: 'fail', fz: 'skip', down: 'skip', other: 'run' });
  });
});

test('run --dry agrees: a frozen stage without a lock entry fails on a missing dep, and its dependents are skipped', async () => {
  await withProject({ 'pipeline.yaml': frozenChain, 'in.txt': 'hi\n' }, async (project) => {
    const text = await runCli(project.root, ['run', '--dry', '--single', 'fz', 'down']);
    assert.equal(text.stdout, 'would fail fz: dep "g.txt" does not exist\nwould skip down: fz would fail');
    const plan = await assertRunAgrees(project.root, ['--single', 'fz', 'down', '-k']);
    assert.deepEqual(actions(plan), { fz: 'fail', down: 'skip' });
    assert.deepEqual(plan.find((p) => p.stage === 'fz')?.failure, { message: 'dep "g.txt" does not exist' });
    assert.deepEqual(plan.find((p) => p.stage === 'down')?.upstream, ['fz']);
    assert.deepEqual(actions(await assertRunAgrees(project.root, ['--single', 'fz', 'down', '--force'])), { fz: 'fail', down: 'skip' });
  });
});

test('run --dry agrees: a frozen stage with a lock entry is skipped when an upstream stage fails', async () => {
  const pipeline = `
stages:
  up: {cmd: cp in.txt u.txt, deps: [in.txt, extra.txt], outs: [u.txt]}
  fz: {cmd: cp u.txt f.txt, deps: [u.txt], outs: [f.txt], frozen: true}
  mk: {cmd: cp in.txt extra.txt, deps: [in.txt], outs: [extra.txt]}
`;
  await withProject({ 'pipeline.yaml': pipeline, 'in.txt': 'hi\n' }, async (project) => {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    await project.remove('extra.txt');
    const plan = await assertRunAgrees(project.root, ['--single', 'up', 'fz', '-k']);
    assert.deepEqual(actions(plan), { up: 'fail', fz: 'skip' });
  });
});

test('run --dry agrees: a stage whose missing dep is made by a stage left out of the selection fails', async () => {
  const pipeline = `
stages:
  a: {cmd: cp in.txt a.txt, deps: [in.txt], outs: [a.txt]}
  b: {cmd: cp a.txt b.txt, deps: [a.txt], outs: [b.txt]}
  c: {cmd: cp b.txt c.txt, deps: [b.txt], outs: [c.txt]}
`;
  await withProject({ 'pipeline.yaml': pipeline, 'in.txt': 'hi\n' }, async (project) => {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    await project.remove('a.txt');
    assert.deepEqual(actions(await assertRunAgrees(project.root, ['--single', 'b', 'c'])), { b: 'fail', c: 'skip' });
    assert.deepEqual(actions(await assertRunAgrees(project.root, ['--single', 'b', 'c', '--force'])), { b: 'fail', c: 'skip' });
    // With its producer selected, the dep is made first.
    assert.deepEqual(actions(await assertRunAgrees(project.root)), { a: 'restore', b: 'up-to-date', c: 'up-to-date' });
  });
});

test('run --dry agrees: a dep inside a directory that a restore would put back without it fails', async () => {
  const pipeline = `
stages:
  gen: {cmd: mkdir -p d && cp in.txt d/x, deps: [in.txt], outs: [d]}
  use: {cmd: cp d/z u.txt, deps: [d/z], outs: [u.txt]}
`;
  await withProject({ 'pipeline.yaml': pipeline, 'in.txt': 'hi\n' }, async (project) => {
    assert.equal((await runCli(project.root, ['run', 'gen'])).exitCode, 0);
    await project.write('d/z', 'by hand\n');
    assert.deepEqual(actions(await assertRunAgrees(project.root)), { gen: 'restore', use: 'fail' });
  });
});

test('run --dry --verify agrees: a cached object damaged to the same size is not restored', async () => {
  const pipeline = `
stages:
  a: {cmd: tr a-z A-Z < in.txt > a.txt, deps: [in.txt], outs: [a.txt]}
  b: {cmd: mkdir -p d && cp a.txt d/x && cp in.txt d/y, deps: [a.txt], outs: [d]}
  c: {cmd: cp d/x c.txt, deps: [d/x], outs: [c.txt]}
`;
  await withProject({ 'pipeline.yaml': pipeline, 'in.txt': 'hello\n' }, async (project) => {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    const damage = async (file: string) => {
      const content = await project.read(file);
      const hash = createHash('sha256').update(content).digest('hex');
      const object = path.join(project.root, 'cache', 'objects', hash.slice(0, 2), hash.slice(2));
      await chmod(object, 0o644);
      await writeFile(object, content.split('').reverse().join(''));
    };

    // A file out.
    await damage('a.txt');
    await project.remove('a.txt');
    assert.equal(actions(await dryPlan(project.root)).a, 'restore');
    const text = await runCli(project.root, ['run', '--dry', '--verify']);
    assert.match(text.stdout, /^would run a: out a\.txt missing$/m);
    assert.deepEqual(actions(await assertRunAgrees(project.root, ['--verify'])), { a: 'run', b: 'may-run', c: 'may-run' });

    // A file inside a directory out.
    await damage('d/y');
    await project.remove('d');
    assert.equal(actions(await dryPlan(project.root)).b, 'restore');
    assert.deepEqual(actions(await assertRunAgrees(project.root, ['--verify'])), { a: 'up-to-date', b: 'run', c: 'may-run' });

    // Intact objects are still restored with --verify.
    await project.remove('d');
    assert.deepEqual(actions(await assertRunAgrees(project.root, ['--verify'])), { a: 'up-to-date', b: 'restore', c: 'up-to-date' });
  });
});
