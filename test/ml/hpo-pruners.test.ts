import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createBanditPruner } from '../../stages/lib/hpo/pruners/bandit-pruner.js';
import { createMedianPruner, percentile } from '../../stages/lib/hpo/pruners/median-pruner.js';
import type { Pruner } from '../../stages/lib/hpo/pruners/pruner.js';
import type { FinishedTrial, Goal, TrialState } from '../../stages/lib/hpo/types.js';

function curveTrial(number: number, curve: number[], state: TrialState = 'complete'): FinishedTrial {
  const intermediate = curve.map((value, i) => ({ step: i + 1, value }));
  return { number, params: {}, state, value: Math.max(...curve), lastStep: curve.length, intermediate };
}

/** Feeds `curve` step by step; returns the step at which the pruner stopped it, or null. */
function prunedAt(pruner: Pruner, curve: number[], history: FinishedTrial[], goal: Goal = 'maximize'): number | null {
  const intermediate: { step: number; value: number }[] = [];
  for (const [i, value] of curve.entries()) {
    intermediate.push({ step: i + 1, value });
    if (pruner.shouldPrune({ step: i + 1, intermediate, history, goal })) return i + 1;
  }
  return null;
}

const completed = [
  curveTrial(0, [0.3, 0.5, 0.6, 0.7]),
  curveTrial(1, [0.4, 0.6, 0.7, 0.8]),
  curveTrial(2, [0.2, 0.4, 0.5, 0.6]),
];

describe('median pruner', () => {
  const median = (overrides: Partial<Parameters<typeof createMedianPruner>[0]> = {}) =>
    createMedianPruner({ nStartupTrials: 3, nWarmupSteps: 0, intervalSteps: 1, nMinTrials: 1, ...overrides });

  it('prunes a curve that falls below the median of completed trials at that step', () => {
    // medians per step: 0.3, 0.5, 0.6, 0.7
    assert.equal(prunedAt(median(), [0.35, 0.45, 0.5, 0.9], completed), 2);
    assert.equal(prunedAt(median(), [0.35, 0.55, 0.65, 0.75], completed), null);
  });

  it("compares the trial's best value so far, not its latest", () => {
    // Step 3 value 0.4 is below the median 0.6, but the best so far (0.65 at step 2) is not.
    assert.equal(prunedAt(median(), [0.3, 0.65, 0.4, 0.8], completed), null);
  });

  it('waits for n_startup_trials completed trials; pruned trials do not count', () => {
    const history = [...completed.slice(0, 2), curveTrial(2, [0.9, 0.9], 'pruned')];
    assert.equal(prunedAt(median(), [0.1, 0.1, 0.1], history), null);
    assert.equal(prunedAt(median(), [0.1, 0.1, 0.1], completed), 1);
  });

  it('honours warmup steps and the interval grid', () => {
    assert.equal(prunedAt(median({ nWarmupSteps: 2 }), [0.1, 0.1, 0.1, 0.1], completed), 2);
    // warmup 1, interval 2: judged at steps 1 and 3 only
    assert.equal(prunedAt(median({ nWarmupSteps: 1, intervalSteps: 2 }), [0.35, 0.45, 0.5, 0.5], completed), 3);
  });

  it('needs n_min_trials completed values at the step; NaN curves are pruned', () => {
    const short = [curveTrial(0, [0.9]), curveTrial(1, [0.9]), curveTrial(2, [0.9])];
    assert.equal(prunedAt(median(), [0.95, 0.1], short), null);
    assert.equal(prunedAt(median(), [Number.NaN], completed), 1);
  });

  it('minimises', () => {
    const losses = [curveTrial(0, [1, 0.8]), curveTrial(1, [1.2, 0.9]), curveTrial(2, [0.9, 0.7])];
    assert.equal(prunedAt(median(), [1.1, 1.0], losses, 'minimize'), 1);
    assert.equal(prunedAt(median(), [0.95, 0.6], losses, 'minimize'), null);
  });

  it('interpolates the median like numpy', () => {
    assert.equal(percentile([1, 3], 50), 2);
    assert.equal(percentile([5, 1, 3], 50), 3);
  });
});

describe('bandit pruner', () => {
  const history = [curveTrial(0, [0.5, 0.8]), curveTrial(1, [0.6, 0.7], 'pruned')];

  it('prunes when outside the slack factor of the best value at that step', () => {
    const bandit = createBanditPruner({ evaluationInterval: 1, delayEvaluation: 0, slackFactor: 0.1 });
    // step 1 best 0.6 → bound 0.5454…; step 2 best 0.8 → bound 0.7272…
    assert.equal(prunedAt(bandit, [0.55, 0.75], history), null);
    assert.equal(prunedAt(bandit, [0.55, 0.72], history), 2);
    assert.equal(prunedAt(bandit, [0.5, 0.9], history), 1);
  });

  it('uses an absolute slack amount and the delay', () => {
    const bandit = createBanditPruner({ evaluationInterval: 1, delayEvaluation: 2, slackAmount: 0.05 });
    assert.equal(prunedAt(bandit, [0.1, 0.76], history), null);
    assert.equal(prunedAt(bandit, [0.1, 0.74], history), 2);
  });

  it('evaluates only on the interval and handles minimisation', () => {
    const bandit = createBanditPruner({ evaluationInterval: 2, delayEvaluation: 0, slackFactor: 0.2 });
    const losses = [curveTrial(0, [1.0, 0.5, 0.4])];
    assert.equal(prunedAt(bandit, [5, 0.59, 0.1], losses, 'minimize'), null);
    assert.equal(prunedAt(bandit, [5, 0.61, 0.1], losses, 'minimize'), 2);
  });

  it('never prunes without history at the step', () => {
    const bandit = createBanditPruner({ evaluationInterval: 1, delayEvaluation: 0, slackFactor: 0 });
    assert.equal(prunedAt(bandit, [0.1, 0.1, 0.1], []), null);
  });
});
