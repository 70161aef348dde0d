import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { runCli, spawnCli, stagesWithStatus, statuses } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const pipeline = `
stages:
  prepare:
    cmd: mkdir -p out && tr a-z A-Z < data/raw.txt > out/upper.txt
    deps: [data/raw.txt]
    outs: [out/upper.txt]
  count:
    cmd: wc -c < out/upper.txt | tr -d ' ' > out/count.txt
    deps: [out/upper.txt]
    params:
      - params.yaml: [count.enabled]
    outs: [out/count.txt]
  report:
    cmd: cat out/count.txt > out/report.txt
    deps: [out/count.txt]
    outs: [out/report.txt]
  independent:
    cmd: echo hi > other.txt
    deps: [data/other-input.txt]
    outs: [other.txt]
`;

describe('incremental runs', () => {
  let project: TempProject;
  before(async () => {
    project = await tempProject({
      'pipeline.yaml': pipeline,
      'data/raw.txt': 'hello\n',
      'data/other-input.txt': 'x\n',
      'params.yaml': 'count:\n  enabled: true\n  unrelated: 1\n',
    });
  });
  after(() => project.dispose());

  test('first run runs every stage, in dependency order', async () => {
    const result = await runCli(project.root, ['run', '--json']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(stagesWithStatus(result.events, 'ran'), ['count', 'independent', 'prepare', 'report']);
    assert.equal(await project.read('out/report.txt'), '6\n');
    const summary = result.events.at(-1);
    assert.equal(summary?.type, 'summary');
    assert.equal(summary?.type === 'summary' && summary.ran, 4);
  });

  test('second run runs nothing', async () => {
    const result = await runCli(project.root, ['run', '--json']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(stagesWithStatus(result.events, 'up-to-date'), ['count', 'independent', 'prepare', 'report']);
  });

  test('editing an unselected param key reruns nothing', async () => {
    await project.write('params.yaml', 'count:\n  enabled: true\n  unrelated: 2\n');
    const result = await runCli(project.root, ['run', '--json']);
    assert.deepEqual(stagesWithStatus(result.events, 'ran'), []);
  });

  test('editing a selected param key reruns that stage; identical output stops there', async () => {
    await project.write('params.yaml', 'count:\n  enabled: false\n  unrelated: 2\n');
    const result = await runCli(project.root, ['run', '--json']);
    assert.deepEqual(stagesWithStatus(result.events, 'ran'), ['count']);
    assert.equal(statuses(result.events).report, 'up-to-date');
    const started = result.events.find((e) => e.type === 'stage-start' && e.stage === 'count');
    assert.deepEqual(started?.type === 'stage-start' && started.reasons, [
      { kind: 'param-changed', file: 'params.yaml', key: 'count.enabled', old: true, new: false },
    ]);
  });

  test('editing a dep reruns its stage and the dependents whose inputs changed', async () => {
    await project.write('data/raw.txt', 'hello world\n');
    const result = await runCli(project.root, ['run', '--json']);
    assert.deepEqual(stagesWithStatus(result.events, 'ran'), ['count', 'prepare', 'report']);
    assert.equal(statuses(result.events).independent, 'up-to-date');
    assert.equal(await project.read('out/report.txt'), '12\n');
  });

  test('status --exit-code reports stale stages with reasons, and exits 1', async () => {
    await project.write('data/other-input.txt', 'changed\n');
    const result = await runCli(project.root, ['status', '--json', '--exit-code']);
    assert.equal(result.exitCode, 1);
    const states = JSON.parse(result.stdout) as { stage: string; state: string; reasons: { kind: string }[] }[];
    const independent = states.find((s) => s.stage === 'independent');
    assert.equal(independent?.state, 'stale');
    assert.equal(independent?.reasons[0]?.kind, 'dep-changed');
    assert.equal(states.find((s) => s.stage === 'prepare')?.state, 'up-to-date');
  });

  test('explain names the changed dep with old and new hashes', async () => {
    const result = await runCli(project.root, ['explain', 'independent']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.match(result.stdout, /dep data\/other-input\.txt changed/);
    assert.match(result.stdout, /[0-9a-f]{8}.* → [0-9a-f]{8}/);
  });

  test('hand-editing an out brings its producer back: restored from the cache, or rerun without it', async () => {
    await runCli(project.root, ['run']);
    await project.write('out/report.txt', 'tampered\n');
    const restored = await runCli(project.root, ['run', '--json']);
    assert.deepEqual(stagesWithStatus(restored.events, 'restored'), ['report']);
    assert.equal(await project.read('out/report.txt'), '12\n');
    await project.write('out/report.txt', 'tampered again\n');
    const rerun = await runCli(project.root, ['run', '--json', '--no-run-cache']);
    assert.deepEqual(stagesWithStatus(rerun.events, 'ran'), ['report']);
    const start = rerun.events.find((e) => e.type === 'stage-start');
    assert.equal(start?.type === 'stage-start' && start.reasons[0]?.kind, 'out-changed');
    assert.equal(await project.read('out/report.txt'), '12\n');
  });

  test('reverting to earlier inputs restores from the cache instead of running', async () => {
    await project.write('data/raw.txt', 'hello\n');
    const result = await runCli(project.root, ['run', '--json']);
    assert.deepEqual(stagesWithStatus(result.events, 'restored'), ['count', 'prepare', 'report']);
    assert.equal(await project.read('out/report.txt'), '6\n');
  });

  test('the lock is byte-identical when nothing changed', async () => {
    const before = await project.read('dagmake.lock');
    await runCli(project.root, ['run']);
    assert.equal(await project.read('dagmake.lock'), before);
    assert.match(before, /^schema: 1/m);
  });

  test('outs with content no run produced are moved aside, never deleted', async () => {
    const own = await tempProject({
      'pipeline.yaml': `
stages:
  make_data: {cmd: exit 1, outs: [data.csv, src]}
  copy: {cmd: cp in.txt out.txt, deps: [in.txt], outs: [out.txt]}
`,
      'data.csv': 'precious\n',
      'src/main.c': 'int main;\n',
      'in.txt': 'in\n',
    });
    try {
      const failed = await runCli(own.root, ['run', '--json', '-k']);
      assert.equal(failed.exitCode, 1);
      const warnings = failed.events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));
      assert.ok(warnings.some((w) => w.includes('"data.csv"') && w.includes('.dagmake/replaced/make_data/data.csv')), warnings.join('\n'));
      assert.equal(await own.read('.dagmake/replaced/make_data/data.csv'), 'precious\n');
      assert.equal(await own.read('.dagmake/replaced/make_data/src/main.c'), 'int main;\n');

      // An out edited by hand is set aside too, then the recorded output comes back from the cache.
      await own.write('out.txt', 'edited\n');
      const restored = await runCli(own.root, ['run', '--json', 'copy']);
      assert.deepEqual(stagesWithStatus(restored.events, 'restored'), ['copy']);
      assert.equal(await own.read('out.txt'), 'in\n');
      assert.equal(await own.read('.dagmake/replaced/copy/out.txt'), 'edited\n');

      // Its own recorded output is simply replaced; an earlier set-aside copy is never overwritten.
      await own.write('out.txt', 'edited again\n');
      await runCli(own.root, ['run', '--json', 'copy']);
      assert.equal(await own.read('.dagmake/replaced/copy/out.txt'), 'edited\n');
      assert.equal(await own.read('.dagmake/replaced/copy/out.txt.1'), 'edited again\n');
      const lockBefore = await own.read('dagmake.lock');
      await own.write('in.txt', 'changed\n');
      const rerun = await runCli(own.root, ['run', '--json', 'copy']);
      assert.deepEqual(stagesWithStatus(rerun.events, 'ran'), ['copy']);
      assert.ok(!rerun.events.some((e) => e.type === 'warning'));

      // A lock from elsewhere (a pull) that records other outputs: what the cache holds is replaced quietly.
      await own.write('dagmake.lock', lockBefore);
      await own.write('in.txt', 'in\n');
      const pulled = await runCli(own.root, ['run', '--json', 'copy']);
      assert.deepEqual(stagesWithStatus(pulled.events, 'restored'), ['copy']);
      assert.equal(await own.read('out.txt'), 'in\n');
      assert.ok(!pulled.events.some((e) => e.type === 'warning'), 'the replaced output was in the cache');
    } finally {
      await own.dispose();
    }
  });
});

describe('status', () => {
  test('while a run is in progress, says so first and neither waits nor takes the lock', async () => {
    const project = await tempProject({
      'pipeline.yaml': `
stages:
  s1:
    cmd: while [ ! -f go ]; do sleep 0.05; done; echo one > s1.txt
    outs: [s1.txt]
`,
    });
    const run = spawnCli(project.root, ['run']);
    try {
      const lock = path.join(project.root, '.dagmake', 'run.lock');
      const holdsLock = () => existsSync(lock) && readFileSync(lock, 'utf8').includes(`"pid":${run.pid}`);
      for (let i = 0; i < 200 && !holdsLock(); i++) await sleep(50);
      const text = await runCli(project.root, ['status']);
      assert.equal(text.exitCode, 0, text.stderr);
      const first = text.stdout.split('\n')[0] ?? '';
      assert.match(first, /^a dagmake run \(pid (\d+), started [^)]+\) is in progress in this project: the state below may change until it finishes$/);
      assert.equal(Number(/pid (\d+)/.exec(first)?.[1]), run.pid);
      // JSON stays one parseable array; the notice goes to stderr.
      const json = await runCli(project.root, ['status', '--json']);
      assert.equal((JSON.parse(json.stdout) as unknown[]).length, 1);
      assert.match(json.stderr, /is in progress/);
      assert.match((await runCli(project.root, ['run', '--dry'])).stdout, /^a dagmake run \(pid \d+/);
    } finally {
      await project.write('go', '');
      await run;
    }
    try {
      assert.equal((await run).exitCode, 0);
      const afterRun = await runCli(project.root, ['status']);
      assert.equal(afterRun.stdout, 'everything is up to date (1 stage)');
    } finally {
      await project.dispose();
    }
  });

  test('frozen stages are listed apart, outside the stale list and its count', async () => {
    const project = await tempProject({
      'pipeline.yaml': `
stages:
  fz: {cmd: cp in.txt fz.txt, deps: [in.txt], outs: [fz.txt], frozen: true}
  a: {cmd: cp in.txt a.txt, deps: [in.txt], outs: [a.txt]}
  b: {cmd: cp other.txt b.txt, deps: [other.txt], outs: [b.txt]}
`,
      'in.txt': '1\n',
      'other.txt': '1\n',
    });
    try {
      assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
      const clean = await runCli(project.root, ['status']);
      assert.equal(clean.stdout, 'frozen (not checked): fz\neverything else is up to date (2 stages)');
      await project.write('in.txt', '2\n');
      const stale = await runCli(project.root, ['status', '--exit-code']);
      assert.equal(stale.exitCode, 1);
      assert.equal(
        stale.stdout,
        'a: dep in.txt changed\nfrozen (not checked): fz\n1 of 2 checked stages stale; "dagmake run" brings it up to date',
      );
    } finally {
      await project.dispose();
    }
  });

  test('a stage whose out cannot be set aside fails with the reason instead of vanishing', async () => {
    const own = await tempProject({
      'pipeline.yaml': 'stages:\n  a: {cmd: echo gen > d/x.txt, outs: [d/x.txt]}\n  b: {cmd: cp d/x.txt y.txt, deps: [d/x.txt], outs: [y.txt]}\n',
      // Where d/x.txt would be set aside, a file named d already sits.
      '.dagmake/replaced/a/d': 'set aside earlier\n',
      'd/x.txt': 'mine\n',
    });
    try {
      const result = await runCli(own.root, ['run', '--json']);
      assert.equal(result.exitCode, 1);
      const failed = result.events.find((e) => e.type === 'stage' && e.stage === 'a');
      assert.equal(failed?.type === 'stage' && failed.status, 'failed');
      const summary = result.events.find((e) => e.type === 'summary');
      assert.equal(summary?.type === 'summary' && summary.failed, 1);
      assert.equal(await own.read('d/x.txt'), 'mine\n', 'nothing was deleted');
    } finally {
      await own.dispose();
    }
  });
});
