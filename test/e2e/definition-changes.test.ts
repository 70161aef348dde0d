// A changed definition says what changed, from what the run that recorded it kept: the command,
// a `with` or `env` value, an out. Without that record (a fresh clone) it still says that it changed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const pipeline = (cmd: string, extra = '') => `stages:
  make:
    cmd: ${cmd}
    env: {MODE: fast}
    outs: [a.txt]${extra}
`;

test('status, explain and the run say what changed in a definition', async () => {
  const project = await tempProject({ 'pipeline.yaml': pipeline('echo one > a.txt') });
  try {
    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    await project.write('pipeline.yaml', pipeline('echo two > a.txt').replace('MODE: fast', 'MODE: slow'));
    const status = await runCli(project.root, ['status']);
    assert.match(status.stdout, /make: definition changed: command "echo one > a\.txt" → "echo two > a\.txt"; env\.MODE "fast" → "slow"/);
    const explain = await runCli(project.root, ['explain', 'make']);
    assert.match(explain.stdout, /- definition changed\n {4}command "echo one > a\.txt" → "echo two > a\.txt"\n {4}env\.MODE "fast" → "slow"\n {4}[0-9a-f]{12} → [0-9a-f]{12}/);

    const run = await runCli(project.root, ['run', '--json']);
    const start = run.events.find((e) => e.type === 'stage-start');
    const reason = start?.type === 'stage-start' ? start.reasons[0] : undefined;
    assert.equal(reason?.kind, 'definition-changed');
    assert.deepEqual(reason?.kind === 'definition-changed' && reason.changes, ['command "echo one > a.txt" → "echo two > a.txt"', 'env.MODE "fast" → "slow"']);

    // The run kept the new definition's parts: the next change is told against it.
    await project.write('pipeline.yaml', pipeline('echo two > a.txt', '\n    deps: [in.txt]').replace('outs: [a.txt]', 'outs: [a.txt, b.txt]').replace('MODE: fast', 'MODE: slow'));
    await project.write('in.txt', 'x\n');
    assert.match((await runCli(project.root, ['status'])).stdout, /make: definition changed: new out b\.txt; dep in\.txt changed/);

    // Without the record (a fresh clone, or the file lost) the reason stays as it was.
    await project.remove('.dagmake/definitions.json');
    const bare = await runCli(project.root, ['status']);
    assert.match(bare.stdout, /make: definition changed; dep in\.txt changed/);
  } finally {
    await project.dispose();
  }
});
