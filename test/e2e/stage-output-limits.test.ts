import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { cutMarker, MAX_LINE_LENGTH } from '../../src/run/line-splitter.js';
import { runCli, statuses } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const stageApi = path.resolve(process.cwd(), 'src/stage-api.ts');
const FRAMES = 300_000;
const frameAwk = `awk 'BEGIN { for (i = 1; i <= ${FRAMES}; i++) printf "\\rstep %d/${FRAMES} loss 0.1234", i; print "" }'`;
const frame = new RegExp(`^step \\d+/${FRAMES} loss 0\\.1234$`);
const lastFrame = `step ${FRAMES}/${FRAMES} loss 0.1234`;

describe('stage output that redraws lines or never ends them', () => {
  test('8 MB of \\r progress frames: the log keeps whole frames, the last one last', { timeout: 60_000 }, async () => {
    const project = await tempProject({
      // Through the persistent shell, a process of its own (multi-line command) and a module stage.
      'pipeline.yaml': `
stages:
  shell:
    cmd: ${frameAwk}
  separate:
    cmd: |
      ${frameAwk} >&2
      true
  module:
    uses: stages/frames.ts
`,
      'stages/frames.ts': `
import { defineStage } from ${JSON.stringify(stageApi)};
export default defineStage(async () => {
  let text = '';
  for (let i = 1; i <= ${FRAMES}; i++) text += \`\\rstep \${i}/${FRAMES} loss 0.1234\`;
  await new Promise((resolve) => process.stdout.write(text + '\\n', resolve));
});
`,
    });
    try {
      const result = await runCli(project.root, ['run', '--json']);
      assert.equal(result.exitCode, 0, result.stderr + result.stdout.slice(-2_000));
      assert.deepEqual(statuses(result.events), { shell: 'ran', separate: 'ran', module: 'ran' });
      for (const stage of ['shell', 'separate', 'module']) {
        const log = (await project.read(`.dagmake/logs/${stage}.log`)).split('\n').slice(0, -1);
        assert.ok(log.length >= 1 && log.length < 100, `${stage}: ${log.length} lines`);
        for (const line of log) assert.match(line, frame, stage);
        assert.equal(log.at(-1), lastFrame, stage);
        const events = result.events.filter((e) => e.type === 'stage-log' && e.stage === stage);
        assert.deepEqual(
          events.map((e) => e.type === 'stage-log' && e.line),
          log,
          stage,
        );
      }
    } finally {
      await project.dispose();
    }
  });

  test('a line without a newline is cut at the cap, with a marker', { timeout: 60_000 }, async () => {
    const project = await tempProject({
      'pipeline.yaml': `
stages:
  shell:
    cmd: head -c 3000000 /dev/zero | tr '\\0' x
  module:
    uses: stages/long-line.ts
`,
      'stages/long-line.ts': `
import { defineStage } from ${JSON.stringify(stageApi)};
export default defineStage(async () => {
  await new Promise((resolve) => process.stderr.write('y'.repeat(3_000_000), resolve));
});
`,
    });
    try {
      const result = await runCli(project.root, ['run', '--json']);
      assert.equal(result.exitCode, 0, result.stderr);
      assert.equal(await project.read('.dagmake/logs/shell.log'), `${'x'.repeat(MAX_LINE_LENGTH)}${cutMarker(3_000_000 - MAX_LINE_LENGTH)}\n`);
      assert.equal(await project.read('.dagmake/logs/module.log'), `${'y'.repeat(MAX_LINE_LENGTH)}${cutMarker(3_000_000 - MAX_LINE_LENGTH)}\n`);
    } finally {
      await project.dispose();
    }
  });
});

describe('a failing long command', () => {
  test('is named by a short message, in the terminal output and in --json', { timeout: 60_000 }, async () => {
    const long = `echo ${'y'.repeat(20_000)} > long.out; exit 4`;
    const project = await tempProject({ 'pipeline.yaml': `stages:\n  long:\n    cmd: ${long}\n    outs: [long.out]\n` });
    try {
      const json = await runCli(project.root, ['run', '--json']);
      assert.equal(json.exitCode, 1);
      const failed = json.events.find((e) => e.type === 'stage' && e.status === 'failed');
      assert.ok(failed?.type === 'stage' && failed.failure !== undefined, json.stdout.slice(0, 2_000));
      // The engine may add a note in parentheses (where partial outputs went).
      assert.match(failed.failure.message, /^command failed with exit code 4: echo y{195}…( \(.*\))?$/);
      assert.ok(failed.failure.message.length < 400);
      assert.equal(failed.failure.exitCode, 4);

      const plain = await runCli(project.root, ['run']);
      assert.equal(plain.exitCode, 1);
      const line = `${plain.stdout}\n${plain.stderr}`.split('\n').find((l) => l.includes('long failed:'));
      assert.ok(line !== undefined && line.length < 400, line?.slice(0, 500));
      assert.ok(line.includes(`exit code 4: echo ${'y'.repeat(195)}…`), line);
    } finally {
      await project.dispose();
    }
  });
});
