import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseEvents, runCli, spawnCli, stagesWithStatus } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const stageApi = path.resolve(process.cwd(), 'src/stage-api.ts');

describe('uses: stages (TypeScript modules)', () => {
  let project: TempProject;
  before(async () => {
    project = await tempProject({
      'pipeline.yaml': `
stages:
  greet:
    uses: stages/greet.ts
    with: {greeting: hello}
    params:
      - config.yaml: [name]
    outs: [out/greeting.txt]
`,
      'config.yaml': 'name: world\nother: 1\n',
      'stages/greet.ts': `
import { writeFile, mkdir } from 'node:fs/promises';
import { defineStage } from ${JSON.stringify(stageApi)};
import { shout } from './lib/shout.js';
export default defineStage(async (ctx) => {
  await mkdir(ctx.resolve('out'), { recursive: true });
  const name = ctx.params['config.yaml']?.name;
  ctx.progress({ current: 1, total: 1, unit: 'step' });
  ctx.metric('length', String(name).length);
  ctx.log.info('writing greeting');
  await writeFile(ctx.resolve('out/greeting.txt'), shout(\`\${ctx.with.greeting} \${name}\`));
});
`,
      'stages/lib/shout.ts': `export const shout = (s: string): string => s + '!';\n`,
    });
  });
  after(() => project.dispose());

  test('runs the module with its context', async () => {
    const result = await runCli(project.root, ['run', '--json']);
    assert.equal(result.exitCode, 0, result.stderr + result.stdout);
    assert.deepEqual(stagesWithStatus(result.events, 'ran'), ['greet']);
    assert.equal(await project.read('out/greeting.txt'), 'hello world!');
    assert.ok(result.events.some((e) => e.type === 'stage-metric' && e.name === 'length' && e.value === 5));
    assert.ok(result.events.some((e) => e.type === 'stage-log' && e.line === 'writing greeting'));
  });

  test('editing a module the stage imports makes it stale', async () => {
    assert.deepEqual(stagesWithStatus((await runCli(project.root, ['run', '--json'])).events, 'up-to-date'), ['greet']);
    await project.write('stages/lib/shout.ts', `export const shout = (s: string): string => s + '!!';\n`);
    const result = await runCli(project.root, ['run', '--json']);
    assert.deepEqual(stagesWithStatus(result.events, 'ran'), ['greet']);
    assert.equal(await project.read('out/greeting.txt'), 'hello world!!');
    const start = result.events.find((e) => e.type === 'stage-start');
    assert.equal(start?.type === 'stage-start' && start.reasons[0]?.kind, 'definition-changed');
    // The earlier run kept what its definition consisted of: the edited module is named.
    assert.deepEqual(start?.type === 'stage-start' && start.reasons[0]?.kind === 'definition-changed' && start.reasons[0].changes, ['stages/lib/shout.ts edited']);
  });

  test('a thrown error fails the stage with its message and leaves no output', async () => {
    await project.write('stages/lib/shout.ts', `export const shout = (s: string): string => { throw new Error('no shouting today'); };\n`);
    const result = await runCli(project.root, ['run', '--json']);
    assert.equal(result.exitCode, 1);
    const finished = result.events.find((e) => e.type === 'stage' && e.stage === 'greet');
    assert.equal(finished?.type === 'stage' && finished.status, 'failed');
    assert.match(finished?.type === 'stage' ? finished.failure?.message ?? '' : '', /no shouting today/);
    await assert.rejects(project.read('out/greeting.txt'));
  });
});

test('ctx.runInfoDir is an emptied directory under .dagmake/run-info/<stage> that is not an output', async () => {
  const project = await tempProject({
      'pipeline.yaml': `
stages:
  timed:
    uses: stages/timed.ts
    outs: [out/result.json]
`,
      'stages/timed.ts': `
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defineStage } from ${JSON.stringify(stageApi)};
export default defineStage(async (ctx) => {
  const dir = ctx.runInfoDir ?? '';
  const found = await readdir(dir);
  await writeFile(path.join(dir, randomUUID() + '.json'), JSON.stringify({ at: Date.now() }));
  await mkdir(ctx.resolve('out'), { recursive: true });
  await writeFile(ctx.resolve('out/result.json'), JSON.stringify({ dir: path.relative(ctx.root, dir), found }));
});
`,
  });
  try {
    const runInfo = async () => (await readdir(path.join(project.root, '.dagmake/run-info/timed'))).sort();
    const first = await runCli(project.root, ['run', '--json']);
    assert.equal(first.exitCode, 0, first.stderr + first.stdout);
    const result = await project.read('out/result.json');
    assert.deepEqual(JSON.parse(result), { dir: path.join('.dagmake', 'run-info', 'timed'), found: [] });
    const firstFiles = await runInfo();
    assert.equal(firstFiles.length, 1);

    const forced = await runCli(project.root, ['run', '--json', '--force', '--no-run-cache']);
    assert.deepEqual(stagesWithStatus(forced.events, 'ran'), ['timed']);
    assert.equal(await project.read('out/result.json'), result, 'the earlier run info was removed before the stage ran');
    const secondFiles = await runInfo();
    assert.equal(secondFiles.length, 1);
    assert.notDeepEqual(secondFiles, firstFiles);

    assert.deepEqual(stagesWithStatus((await runCli(project.root, ['run', '--json'])).events, 'up-to-date'), ['timed']);
  } finally {
    await project.dispose();
  }
});

test('memo units are scoped by the stage definition and must lie inside the stage outs', async () => {
  const unitStage = (marker: string, dir: string) => `
import { readFile } from 'node:fs/promises';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defineStage } from ${JSON.stringify(stageApi)};
import { mark } from './lib/mark.js';
export default defineStage(async (ctx) => {
  const unit = await ctx.memo({ item: 1 }, { dir: ${JSON.stringify(dir)} }, async (d) => {
    await writeFile(path.join(d, 'x.txt'), mark(${JSON.stringify(marker)}));
    return ${JSON.stringify(marker)};
  });
  ctx.log.info(\`hit=\${unit.hit} value=\${unit.value} file=\${await readFile(path.join(unit.dir, 'x.txt'), 'utf8')}\`);
});
`;
  const project = await tempProject({
    'pipeline.yaml': `
stages:
  one: {uses: stages/one.ts, outs: [o1]}
  two: {uses: stages/two.ts, deps: [o1], outs: [o2]}
  stray: {uses: stages/stray.ts, outs: [o3]}
`,
    'stages/one.ts': unitStage('one', 'o1/u'),
    'stages/two.ts': unitStage('two', 'o2/u'),
    'stages/stray.ts': unitStage('stray', 'o1/elsewhere'),
    'stages/lib/mark.ts': 'export const mark = (s: string): string => s.toUpperCase();\n',
  });
  try {
    const lines = (events: Awaited<ReturnType<typeof runCli>>['events'], stage: string) =>
      events.flatMap((e) => (e.type === 'stage-log' && e.stage === stage ? [e.line] : []));
    const first = await runCli(project.root, ['run', '--json', '-j', '1', '-k']);
    // Same key, other code: the second stage computes its own unit.
    assert.deepEqual(lines(first.events, 'one'), ['hit=false value=one file=ONE']);
    assert.deepEqual(lines(first.events, 'two'), ['hit=false value=two file=TWO']);
    const stray = first.events.find((e) => e.type === 'stage' && e.stage === 'stray');
    assert.equal(stray?.type === 'stage' && stray.status, 'failed');
    assert.match(stray?.type === 'stage' ? stray.failure?.message ?? '' : '', /memo dir "o1\/elsewhere" is not inside a non-persistent out of this stage \(o3\)/);

    // A change in an imported module reruns the stage and recomputes its units.
    await project.write('stages/lib/mark.ts', 'export const mark = (s: string): string => s.toLowerCase();\n');
    const changed = await runCli(project.root, ['run', '--json', '-j', '1', 'one']);
    assert.deepEqual(lines(changed.events, 'one'), ['hit=false value=one file=one']);
    // The same code again finds its unit.
    await project.remove('o1');
    const again = await runCli(project.root, ['run', '--json', '-j', '1', '--no-run-cache', 'one']);
    assert.deepEqual(lines(again.events, 'one'), ['hit=true value=one file=one']);
  } finally {
    await project.dispose();
  }
});

test('a StageInputError fails the stage by its message alone; any other error shows its stack', async () => {
  const thrower = (what: string) => `
import { defineStage, StageInputError } from ${JSON.stringify(stageApi)};
export default defineStage(async () => {
  throw ${what};
});
`;
  const project = await tempProject({
    'pipeline.yaml': 'stages:\n  input: {uses: stages/input.ts, outs: [a.txt]}\n  bug: {uses: stages/bug.ts, outs: [b.txt]}\n',
    'stages/input.ts': thrower("new StageInputError('config/x.yaml: dropout must be at most 0.9; lower it')"),
    'stages/bug.ts': thrower("new TypeError('cannot read x of undefined')"),
  });
  try {
    const result = await runCli(project.root, ['run', '--json', '-k']);
    const logOf = (stage: string) => result.events.flatMap((e) => (e.type === 'stage-log' && e.stage === stage ? [e.line] : []));
    const failure = (stage: string) => result.events.find((e) => e.type === 'stage' && e.stage === stage);
    const inputFailure = failure('input');
    assert.match(inputFailure?.type === 'stage' ? inputFailure.failure?.message ?? '' : '', /config\/x\.yaml: dropout must be at most 0\.9; lower it/);
    assert.ok(!logOf('input').some((line) => /^\s+at /.test(line)), logOf('input').join('\n'));
    assert.ok(logOf('bug').some((line) => /^\s+at /.test(line)), 'a bug keeps its stack');
  } finally {
    await project.dispose();
  }
});

test('two stages of one module keep their own memo units; a persistent out holds none', async () => {
  const project = await tempProject({
    'pipeline.yaml': `
stages:
  a: {uses: stages/m.ts, with: {tag: A, dir: outA/u}, outs: [outA]}
  b: {uses: stages/m.ts, with: {tag: B, dir: outB/u}, outs: [outB]}
  keep: {uses: stages/m.ts, with: {tag: K, dir: kept/u}, outs: [{kept: {persist: true}}]}
`,
    'stages/m.ts': `
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defineStage } from ${JSON.stringify(stageApi)};
export default defineStage(async (ctx) => {
  const tag = String(ctx.with.tag);
  const unit = await ctx.memo({ k: 1 }, { dir: String(ctx.with.dir) }, async (d) => {
    await writeFile(path.join(d, 'v.txt'), tag);
    return tag;
  });
  ctx.log.info(\`value=\${unit.value} hit=\${unit.hit}\`);
});
`,
    'kept/data.txt': 'precious\n',
  });
  try {
    const result = await runCli(project.root, ['run', '--json', '-j', '1', '-k']);
    const lines = (stage: string) => result.events.flatMap((e) => (e.type === 'stage-log' && e.stage === stage ? [e.line] : []));
    assert.deepEqual(lines('a'), ['value=A hit=false']);
    assert.deepEqual(lines('b'), ['value=B hit=false']);
    assert.equal(await project.read('outB/u/v.txt'), 'B');
    const keep = result.events.find((e) => e.type === 'stage' && e.stage === 'keep');
    assert.match(keep?.type === 'stage' ? keep.failure?.message ?? '' : '', /memo dir "kept\/u" is not inside a non-persistent out of this stage/);
    assert.equal(await project.read('kept/data.txt'), 'precious\n');
  } finally {
    await project.dispose();
  }
});

test('each memo unit reports every state it goes through as a sub-task', async () => {
  const project = await tempProject({
    'pipeline.yaml': 'stages:\n  units: {uses: stages/units.ts, outs: [o]}\n',
    'stages/units.ts': `
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defineStage } from ${JSON.stringify(stageApi)};
export default defineStage(async (ctx) => {
  await ctx.memo({ unit: 1 }, { dir: 'o/u', label: 'unit 1' }, async (d) => writeFile(path.join(d, 'x.txt'), 'x'));
});
`,
  });
  try {
    const result = await runCli(project.root, ['run', '--json']);
    assert.equal(result.exitCode, 0, result.stderr);
    const states = result.events.flatMap((e) => (e.type === 'stage-progress' && e.task === 'unit 1' ? [e.message] : []));
    // A unit that runs as soon as it is queued still shows as running, not as queued until it is done.
    assert.deepEqual(states, ['queued', 'running', 'done']);
  } finally {
    await project.dispose();
  }
});

test('memo units never run more at once than the slots -j gives the stage', async () => {
  const project = await tempProject({
    'pipeline.yaml': 'stages:\n  units: {uses: stages/units.ts, outs: [o], resources: {cpu: 4}}\n',
    'stages/units.ts': `
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { defineStage } from ${JSON.stringify(stageApi)};
let running = 0;
let peak = 0;
export default defineStage(async (ctx) => {
  await Promise.all([1, 2, 3].map((i) => ctx.memo({ i }, { dir: \`o/u\${i}\` }, async (d) => {
    peak = Math.max(peak, ++running);
    await new Promise((resolve) => setTimeout(resolve, 20));
    running--;
    await writeFile(path.join(d, 'x.txt'), String(i));
  })));
  ctx.log.info(\`peak \${peak}\`);
});
`,
  });
  try {
    const result = await runCli(project.root, ['run', '--json', '-j', '1']);
    assert.equal(result.exitCode, 0, result.stderr);
    assert.deepEqual(result.events.flatMap((e) => (e.type === 'stage-log' && e.stage === 'units' ? [e.line] : [])), ['peak 1']);
  } finally {
    await project.dispose();
  }
});

test('a stage awaiting a promise that can never settle fails instead of hanging the run', async () => {
  const project = await tempProject({
    'pipeline.yaml': 'stages:\n  stuck: {uses: stages/stuck.ts, outs: [o/partial.txt]}\n',
    'stages/stuck.ts': `
import { mkdir, writeFile } from 'node:fs/promises';
import { defineStage } from ${JSON.stringify(stageApi)};
export default defineStage(async (ctx) => {
  await mkdir(ctx.resolve('o'), { recursive: true });
  await writeFile(ctx.resolve('o/partial.txt'), 'half');
  await new Promise(() => {});
});
`,
  });
  try {
    const run = spawnCli(project.root, ['run', '--json']);
    const timer = setTimeout(() => run.kill('SIGKILL'), 60_000);
    const result = await run.finally(() => clearTimeout(timer));
    assert.equal(result.exitCode, 1, 'the run ended on its own, with the stage failed');
    const stuck = parseEvents(String(result.stdout)).find((e) => e.type === 'stage' && e.stage === 'stuck');
    assert.equal(stuck?.type === 'stage' && stuck.status, 'failed');
    assert.match(stuck?.type === 'stage' ? stuck.failure?.message ?? '' : '', /never finished: it was awaiting a promise/);
    assert.equal(await readFile(path.join(project.root, '.dagmake/failed/stuck/o/partial.txt'), 'utf8'), 'half');
  } finally {
    await project.dispose();
  }
});

test('every line a module stage prints reaches its log, up to its last one and its stack trace', async () => {
  const project = await tempProject({
    'pipeline.yaml': 'stages:\n  loud: {uses: stages/loud.ts, outs: [o.txt]}\n',
    'stages/loud.ts': `
import { defineStage } from ${JSON.stringify(stageApi)};
export default defineStage(async () => {
  for (let i = 0; i < 40000; i++) console.log(\`line \${i} \${'x'.repeat(60)}\`);
  console.error('last words');
  throw new Error('loud failure');
});
`,
  });
  try {
    const result = await runCli(project.root, ['run']);
    assert.equal(result.exitCode, 1);
    const log = (await project.read('.dagmake/logs/loud.log')).split('\n');
    assert.equal(log.filter((line) => line.startsWith('line ')).length, 40000);
    assert.ok(log.includes('last words'));
    assert.ok(log.some((line) => /^\s+at .*loud\.ts/.test(line)), 'the stack trace is in the log');
  } finally {
    await project.dispose();
  }
});

test('a stage that calls process.exit(0) before its function returns fails and its outputs are moved aside', async () => {
  const project = await tempProject({
    'pipeline.yaml': 'stages:\n  early: {uses: stages/early.ts, outs: [o/half.txt]}\n',
    'stages/early.ts': `
import { mkdir, writeFile } from 'node:fs/promises';
import { defineStage } from ${JSON.stringify(stageApi)};
export default defineStage(async (ctx) => {
  await mkdir(ctx.resolve('o'), { recursive: true });
  await writeFile(ctx.resolve('o/half.txt'), 'half');
  process.exit(0);
});
`,
  });
  try {
    const result = await runCli(project.root, ['run', '--json']);
    assert.equal(result.exitCode, 1);
    const early = result.events.find((e) => e.type === 'stage' && e.stage === 'early');
    assert.equal(early?.type === 'stage' && early.status, 'failed');
    assert.ok(early?.type === 'stage' && (early.failure?.tail ?? []).some((line) => /process\.exit\(0\) was called before the stage function finished/.test(line)));
    assert.equal(await project.read('.dagmake/failed/early/o/half.txt'), 'half');
    assert.equal((await runCli(project.root, ['status', '--exit-code'])).exitCode, 1, 'nothing was recorded as done');
  } finally {
    await project.dispose();
  }
});

test('a rejection nobody awaits fails the stage by its message, even when the stage function then returns', async () => {
  const project = await tempProject({
    'pipeline.yaml': 'stages:\n  floating: {uses: stages/floating.ts, outs: [o.txt]}\n',
    'stages/floating.ts': `
import { writeFile } from 'node:fs/promises';
import { defineStage } from ${JSON.stringify(stageApi)};
export default defineStage(async (ctx) => {
  void Promise.reject(new Error('upload failed in the background'));
  await new Promise((resolve) => setTimeout(resolve, 100));
  await writeFile(ctx.resolve('o.txt'), 'x');
});
`,
  });
  try {
    const result = await runCli(project.root, ['run', '--json']);
    assert.equal(result.exitCode, 1);
    const floating = result.events.find((e) => e.type === 'stage' && e.stage === 'floating');
    assert.equal(floating?.type === 'stage' && floating.status, 'failed');
    assert.equal(floating?.type === 'stage' && floating.failure?.message, 'upload failed in the background');
  } finally {
    await project.dispose();
  }
});
