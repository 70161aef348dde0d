// The metrics snapshot is written after a successful run's lock: when it cannot be written the
// run still succeeded, so it says what failed and what to do, and nothing else changes.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, stagesWithStatus } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const pipeline = 'stages:\n  train: {cmd: "echo \'{\\"f1\\": 0.5}\' > m.json", metrics: [m.json]}\n';

test('a metrics snapshot that cannot be written is a warning with a hint, after the lock is written', async () => {
  const project = await tempProject({ 'pipeline.yaml': pipeline });
  try {
    await mkdir(path.join(project.root, '.dagmake'), { recursive: true });
    await writeFile(path.join(project.root, '.dagmake', 'metrics'), 'a file where a directory belongs\n');
    const run = await runCli(project.root, ['run', '--json']);
    assert.equal(run.exitCode, 0, run.stderr);
    assert.deepEqual(stagesWithStatus(run.events, 'ran'), ['train']);
    assert.doesNotMatch(run.stderr, /\n\s+at /, 'no stack trace');
    const warnings = run.events.flatMap((event) => (event.type === 'warning' ? [event.message] : []));
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(warnings[0]!, /could not save this run's metrics for "dagmake metrics diff" \(.*\.dagmake\/metrics.*\)/);
    assert.match(warnings[0]!, /\.dagmake\/metrics must be a writable directory/);
    assert.match(await project.read('dagmake.lock'), /train:/);
    assert.equal((await runCli(project.root, ['status', '--exit-code'])).exitCode, 0);
  } finally {
    await project.dispose();
  }
});
