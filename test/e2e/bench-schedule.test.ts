import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { generateSleeps } from '../../bench/generate.js';
import { timeOk } from '../../bench/engine/timing.js';
import { dagmake, parseDagmakeRun } from '../../bench/engine/tools.js';

describe('engine bench: start-up and schedule of a dagmake run', () => {
  test('splits the wall time of the sleep workload at the first stage start', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'dagmake-bench-'));
    try {
      // 6 stages of 0.2 s on two slots: three rounds, so the schedule cannot be shorter than 0.6 s.
      const project = generateSleeps(root, 6, 0.2, { snakefile: false });
      dagmake.reset(project);
      const timed = timeOk(dagmake.build(project));
      const run = parseDagmakeRun(timed);
      assert.equal(run.summary.ran, 6);
      assert.ok(run.startupSeconds !== undefined && run.scheduleSeconds !== undefined);
      assert.ok(run.startupSeconds > 0, 'a stage starts after dagmake was launched');
      assert.ok(run.scheduleSeconds >= 0.6, `three rounds of 0.2 s sleeps take at least 0.6 s, got ${run.scheduleSeconds}`);
      assert.ok(run.startupSeconds + run.scheduleSeconds <= timed.seconds + 0.01, 'both parts lie within the wall time');

      // A no-op starts no stage, so it has no schedule to report.
      const noop = parseDagmakeRun(timeOk(dagmake.build(project)));
      assert.equal(noop.summary.ran, 0);
      assert.equal(noop.scheduleSeconds, undefined);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
