import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SearchSpace } from '../../stages/lib/hpo/config.js';
import { createMedianPruner } from '../../stages/lib/hpo/pruners/median-pruner.js';
import { type ReportFn, type TrialToRun, runStudy } from '../../stages/lib/hpo/study.js';

const space: SearchSpace = {
  x: { type: 'uniform', min: 0, max: 1 },
  hidden: { type: 'int', min: 32, max: 96, step: 32 },
};

/** A synthetic learning curve whose level depends on x; optionally finishes after `delays[n]` ticks. */
function syntheticTrial(delays: readonly number[] = []) {
  return async (trial: TrialToRun, report: ReportFn) => {
    const level = 1 - Math.abs((trial.params.x as number) - 0.7);
    let last = 0;
    for (let step = 1; step <= 4; step++) {
      for (let tick = 0; tick < (delays[trial.number] ?? 0); tick++) await new Promise((resolve) => setImmediate(resolve));
      last = step;
      if (report(step, level * (step / 4)) === 'prune') return { value: level * (step / 4), state: 'pruned' as const, lastStep: step };
    }
    return { value: level, state: 'complete' as const, lastStep: last };
  };
}

const pruner = createMedianPruner({ nStartupTrials: 2, nWarmupSteps: 0, intervalSteps: 1, nMinTrials: 1 });

describe('runStudy', () => {
  it('runs max_trials trials in number order and picks the best complete one', async () => {
    const result = await runStudy({
      space,
      sampling: { algorithm: 'random', max_trials: 8, seed: 1 },
      objective: { goal: 'maximize' },
      runTrial: syntheticTrial(),
    });
    assert.deepEqual(result.trials.map((t) => t.number), [0, 1, 2, 3, 4, 5, 6, 7]);
    assert.equal(result.stoppedBy, 'max_trials');
    const best = Math.max(...result.trials.map((t) => t.value as number));
    assert.equal(result.best?.value, best);
  });

  it('gives the same trials whatever order parallel trials finish in', async () => {
    const run = (delays: number[]) =>
      runStudy({
        space,
        sampling: { algorithm: 'tpe', max_trials: 16, seed: 5, n_startup_trials: 4 },
        objective: { goal: 'maximize' },
        pruner,
        parallelism: 3,
        runTrial: syntheticTrial(delays),
      });
    const strip = (trials: Awaited<ReturnType<typeof run>>['trials']) => trials.map(({ durationMs: _, ...rest }) => rest);
    const fastFirst = await run(Array.from({ length: 16 }, (_, n) => n % 3));
    const slowFirst = await run(Array.from({ length: 16 }, (_, n) => 3 - (n % 3)));
    assert.deepEqual(strip(fastFirst.trials), strip(slowFirst.trials));
    assert.ok(fastFirst.trials.some((t) => t.state === 'pruned'), 'some trials pruned');
  });

  it('never runs more than `parallelism` trials at once, and trial n sees only trials ≤ n − P', async () => {
    let active = 0;
    let peak = 0;
    const seen: number[][] = [];
    await runStudy({
      space,
      sampling: { algorithm: 'random', max_trials: 9, seed: 2 },
      objective: { goal: 'maximize' },
      parallelism: 3,
      runTrial: async (trial) => {
        seen[trial.number] = trial.history.map((t) => t.number);
        active++;
        peak = Math.max(peak, active);
        for (let i = 0; i < 5 - (trial.number % 3); i++) await new Promise((resolve) => setImmediate(resolve));
        active--;
        return { value: trial.number, state: 'complete', lastStep: 1 };
      },
    });
    assert.equal(peak, 3);
    assert.deepEqual(seen[2], []);
    assert.deepEqual(seen[3], [0]);
    assert.deepEqual(seen[8], [0, 1, 2, 3, 4, 5]);
  });

  it('stops at the grid size and at the timeout, and records failures', async () => {
    const grid = await runStudy({
      space: { hidden: { type: 'int', min: 32, max: 96, step: 32 } },
      sampling: { algorithm: 'grid', max_trials: 10, seed: 1 },
      objective: { goal: 'maximize' },
      runTrial: async (trial) => {
        if (trial.params.hidden === 64) throw new Error('out of memory');
        return { value: 1, state: 'complete', lastStep: 1 };
      },
    });
    assert.equal(grid.trials.length, 3);
    assert.equal(grid.stoppedBy, 'grid_exhausted');
    const failed = grid.trials.find((t) => t.params.hidden === 64);
    assert.equal(failed?.state, 'failed');
    assert.equal(failed?.error, 'out of memory');

    let clock = 0;
    const timed = await runStudy({
      space,
      sampling: { algorithm: 'random', max_trials: 100, seed: 1, timeout_minutes: 1 },
      objective: { goal: 'minimize' },
      now: () => clock,
      runTrial: async () => {
        clock += 25_000;
        return { value: 0.5, state: 'complete', lastStep: 1 };
      },
    });
    assert.equal(timed.trials.length, 3);
    assert.equal(timed.stoppedBy, 'timeout');
  });

  it('takes a replayed curve from the outcome instead of reports', async () => {
    const result = await runStudy({
      space,
      sampling: { algorithm: 'random', max_trials: 1, seed: 1 },
      objective: { goal: 'maximize' },
      runTrial: async () => ({ value: 0.4, state: 'pruned', lastStep: 2, intermediate: [{ step: 1, value: 0.3 }, { step: 2, value: 0.4 }] }),
    });
    assert.deepEqual(result.trials[0]?.intermediate, [{ step: 1, value: 0.3 }, { step: 2, value: 0.4 }]);
    assert.equal(result.best, undefined);
  });
});
