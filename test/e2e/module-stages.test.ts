import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { runCli, stagesWithStatus } from '../helpers/run-cli.js';
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
