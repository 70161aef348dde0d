import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const twoShortStages = `
stages:
  x: {cmd: sleep 0.3 > x.txt, outs: [x.txt]}
  y: {cmd: sleep 0.3 > y.txt, deps: [x.txt], outs: [y.txt]}
`;

describe('a dagmake run and its process surroundings', () => {
  for (const reporter of ['json', 'plain']) {
    test(`a reader that closes early (${reporter} | head -1) stops the output, not the run`, async () => {
      const project = await tempProject({ 'pipeline.yaml': twoShortStages });
      try {
        const child = spawnCli(project.root, ['run', '--reporter', reporter]);
        child.stdout!.once('data', () => child.stdout!.destroy());
        const result = await child;
        assert.equal(result.exitCode, 0, String(result.stderr));
        assert.doesNotMatch(String(result.stderr), /EPIPE|Error/);
        const status = await runCli(project.root, ['status']);
        assert.match(status.stdout, /everything is up to date \(2 stages\)/);
      } finally {
        await project.dispose();
      }
    });
  }

  test('SIGTERM cancels the run and exits 143 (128 + SIGTERM)', async () => {
    const project = await tempProject({ 'pipeline.yaml': 'stages:\n  long: {cmd: echo started && sleep 30, outs: [out.txt]}\n' });
    try {
      const child = spawnCli(project.root, ['run', '--json']);
      await new Promise<void>((resolve) => child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('"line":"started"') && resolve()));
      child.kill('SIGTERM');
      const result = await child;
      assert.equal(result.exitCode, 143);
      assert.match(String(result.stdout), /"status":"cancelled"/);
    } finally {
      await project.dispose();
    }
  });
});
