// A stage's resume directory: what a failed attempt keeps there survives the failure (its outs are
// moved aside) and is offered to the next attempt; success removes it. Commands find it in
// $DAGMAKE_RESUME_DIR when they ask for it (resume: true), module stages in ctx.resumeDir.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, stagesWithStatus } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const stageApi = path.resolve(process.cwd(), 'src/stage-api.ts');

// Counts its attempts in the resume directory and succeeds on the second.
const COUNTING = 'mkdir -p \\"$DAGMAKE_RESUME_DIR\\"; n=$(( $(cat \\"$DAGMAKE_RESUME_DIR/n\\" 2>/dev/null || echo 0) + 1 )); echo $n > \\"$DAGMAKE_RESUME_DIR/n\\"; echo attempt $n > out.txt; test $n -ge 2';

test('a command stage finds what its failed attempt kept, and success removes it', async () => {
  const project = await tempProject({
    'pipeline.yaml': `stages:\n  steps:\n    cmd: "${COUNTING}"\n    resume: true\n    outs: [out.txt]\n  other:\n    cmd: echo "[$DAGMAKE_RESUME_DIR]" > other.txt\n    outs: [other.txt]\n`,
  });
  try {
    const first = await runCli(project.root, ['run', '--json', '-k']);
    assert.equal(first.exitCode, 1, first.stdout + first.stderr);
    assert.equal(await project.read('other.txt'), '[]\n', 'only a stage with resume: true gets the variable');
    assert.equal(await project.read('.dagmake/failed/steps/out.txt'), 'attempt 1\n', 'the failed attempt\'s out was moved aside');
    assert.ok(existsSync(path.join(project.root, '.dagmake/resume/steps')));

    const second = await runCli(project.root, ['run', '--json']);
    assert.equal(second.exitCode, 0, second.stdout + second.stderr);
    assert.deepEqual(stagesWithStatus(second.events, 'ran'), ['steps']);
    assert.equal(await project.read('out.txt'), 'attempt 2\n');
    assert.equal(existsSync(path.join(project.root, '.dagmake/resume/steps')), false, 'success removes the resume state');

    // A new attempt after that starts from nothing.
    assert.equal((await runCli(project.root, ['run', '--force', 'steps'])).exitCode, 1);
  } finally {
    await project.dispose();
  }
});

test('a stage that succeeds at once leaves no resume state for a forced rerun', async () => {
  const once = 'mkdir -p \\"$DAGMAKE_RESUME_DIR\\"; test ! -e \\"$DAGMAKE_RESUME_DIR/seen\\" && touch \\"$DAGMAKE_RESUME_DIR/seen\\" && echo ok > once.txt';
  const project = await tempProject({ 'pipeline.yaml': `stages:\n  once:\n    cmd: "${once}"\n    resume: true\n    outs: [once.txt]\n` });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    assert.equal(existsSync(path.join(project.root, '.dagmake/resume/once')), false);
    const forced = await runCli(project.root, ['run', '--force']);
    assert.equal(forced.exitCode, 0, forced.stdout + forced.stderr);
  } finally {
    await project.dispose();
  }
});

test('a module stage gets ctx.resumeDir, kept across a failure while ctx.runInfoDir is emptied', async () => {
  const project = await tempProject({
    'pipeline.yaml': 'stages:\n  train:\n    uses: stages/train.ts\n    outs: [model.txt]\n',
    'stages/train.ts': `
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineStage } from ${JSON.stringify(stageApi)};
export default defineStage(async (ctx) => {
  if (!ctx.resumeDir || !ctx.runInfoDir) throw new Error('no resumeDir or runInfoDir');
  const state = join(ctx.resumeDir, 'epochs');
  const done = existsSync(state) ? Number(await readFile(state, 'utf8')) : 0;
  ctx.log.info(\`resuming after \${done} epochs; run info left: \${existsSync(join(ctx.runInfoDir, 'mark'))}\`);
  await writeFile(join(ctx.runInfoDir, 'mark'), 'x');
  await mkdir(ctx.resumeDir, { recursive: true });
  await writeFile(state, String(done + 1));
  if (done === 0) throw new Error('stopped after the first epoch');
  await writeFile(ctx.resolve('model.txt'), \`trained \${done + 1} epochs\`);
});
`,
  });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 1);
    const second = await runCli(project.root, ['run', '--json']);
    assert.equal(second.exitCode, 0, second.stdout + second.stderr);
    const lines = second.events.flatMap((e) => (e.type === 'stage-log' ? [e.line] : []));
    assert.ok(lines.includes('resuming after 1 epochs; run info left: false'), lines.join('\n'));
    assert.equal(await project.read('model.txt'), 'trained 2 epochs');
    assert.equal(existsSync(path.join(project.root, '.dagmake/resume/train')), false);
  } finally {
    await project.dispose();
  }
});

// Keeps state in the resume directory, then fails while `stop` exists; `stop` is no dep, so a
// failure leaves the lock's record of the last success standing.
const STOPPABLE = 'mkdir -p \\"$DAGMAKE_RESUME_DIR\\"; touch \\"$DAGMAKE_RESUME_DIR/partial\\"; test ! -e stop && echo done > out.txt';
const stoppable = (frozen: boolean) => `stages:\n  steps:\n    cmd: "${STOPPABLE}"\n    resume: true\n    outs: [out.txt]\n${frozen ? '    frozen: true\n' : ''}`;

/** A stage recorded as done, with the resume state of a later failed attempt left beside it. */
async function doneWithLeftoverResumeState() {
  const project = await tempProject({ 'pipeline.yaml': stoppable(false) });
  assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
  await project.write('stop', '');
  assert.equal((await runCli(project.root, ['run', '--force'])).exitCode, 1);
  assert.ok(existsSync(path.join(project.root, '.dagmake/resume/steps')));
  await project.remove('stop');
  await project.remove('out.txt');
  return project;
}

test('a stage whose recorded outs are restored from the cache leaves no resume state', async () => {
  const project = await doneWithLeftoverResumeState();
  try {
    // gc drops the run-cache entries, so only the outs the lock records can bring it back.
    assert.equal((await runCli(project.root, ['gc'])).exitCode, 0);
    const run = await runCli(project.root, ['run', '--json']);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual(stagesWithStatus(run.events, 'restored'), ['steps']);
    assert.equal(await project.read('out.txt'), 'done\n');
    assert.equal(existsSync(path.join(project.root, '.dagmake/resume/steps')), false, 'the restored stage is done: its resume state goes');
  } finally {
    await project.dispose();
  }
});

test('a frozen stage whose recorded outs are restored from the cache leaves no resume state', async () => {
  const project = await doneWithLeftoverResumeState();
  try {
    await project.write('pipeline.yaml', stoppable(true));
    const run = await runCli(project.root, ['run', '--json']);
    assert.equal(run.exitCode, 0, run.stdout + run.stderr);
    assert.deepEqual(stagesWithStatus(run.events, 'restored'), ['steps']);
    assert.equal(await project.read('out.txt'), 'done\n');
    assert.equal(existsSync(path.join(project.root, '.dagmake/resume/steps')), false, 'the restored stage is done: its resume state goes');
  } finally {
    await project.dispose();
  }
});
