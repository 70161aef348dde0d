import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SearchSpace } from '../../stages/lib/hpo/config.js';
import { createGridSampler } from '../../stages/lib/hpo/samplers/grid-sampler.js';
import { observationWeights, univariateSigmas } from '../../stages/lib/hpo/samplers/parzen-estimator.js';
import { createRandomSampler } from '../../stages/lib/hpo/samplers/random-sampler.js';
import { createTpeSampler, gamma, splitTrials } from '../../stages/lib/hpo/samplers/tpe-sampler.js';
import type { FinishedTrial, Params } from '../../stages/lib/hpo/types.js';

const space: SearchSpace = {
  learning_rate: { type: 'loguniform', min: 0.0005, max: 0.01 },
  dropout: { type: 'uniform', min: 0, max: 0.3 },
  batch_size: { type: 'choice', values: [16, 32] },
  hidden: { type: 'int', min: 32, max: 96, step: 32 },
};

function complete(number: number, params: Params, value: number): FinishedTrial {
  return { number, params, state: 'complete', value, lastStep: 1, intermediate: [{ step: 1, value }] };
}

function assertInSpace(params: Params): void {
  const lr = params.learning_rate as number;
  assert.ok(lr >= 0.0005 && lr <= 0.01, `learning_rate ${lr}`);
  const dropout = params.dropout as number;
  assert.ok(dropout >= 0 && dropout <= 0.3, `dropout ${dropout}`);
  assert.ok([16, 32].includes(params.batch_size as number));
  assert.ok([32, 64, 96].includes(params.hidden as number), `hidden ${String(params.hidden)}`);
}

describe('random sampler', () => {
  it('is deterministic per (seed, trial) and stays inside the space', () => {
    const a = createRandomSampler(space, 7);
    const b = createRandomSampler(space, 7);
    for (let n = 0; n < 20; n++) {
      assert.deepEqual(a.suggest(n, []), b.suggest(n, []));
      assertInSpace(a.suggest(n, []));
    }
    assert.notDeepEqual(a.suggest(0, []), createRandomSampler(space, 8).suggest(0, []));
    assert.notDeepEqual(a.suggest(0, []), a.suggest(1, []));
  });

  it('draws loguniform values evenly in log space', () => {
    const sampler = createRandomSampler({ lr: { type: 'loguniform', min: 1e-4, max: 1 } }, 1);
    const below = Array.from({ length: 400 }, (_, n) => sampler.suggest(n, []).lr as number).filter((v) => v < 1e-2);
    // Half the log range lies below 1e-2; a linear draw would put ~1% there.
    assert.ok(below.length > 150 && below.length < 250, `${below.length} of 400 below 1e-2`);
  });
});

describe('grid sampler', () => {
  it('visits every combination exactly once in a seeded order', () => {
    const grid: SearchSpace = {
      batch_size: { type: 'choice', values: [16, 32] },
      hidden: { type: 'int', min: 32, max: 96, step: 32 },
      lr: { type: 'loguniform', min: 0.001, max: 0.1, grid_points: 3 },
    };
    const sampler = createGridSampler(grid, 7);
    assert.equal(sampler.size, 18);
    const points = Array.from({ length: 18 }, (_, n) => JSON.stringify(sampler.suggest(n, [])));
    assert.equal(new Set(points).size, 18);
    assert.ok(points.includes(JSON.stringify({ batch_size: 32, hidden: 96, lr: 0.01 })));
    assert.deepEqual(points, Array.from({ length: 18 }, (_, n) => JSON.stringify(createGridSampler(grid, 7).suggest(n, []))));
    const otherOrder = Array.from({ length: 18 }, (_, n) => JSON.stringify(createGridSampler(grid, 8).suggest(n, [])));
    assert.notDeepEqual(points, otherOrder);
    assert.throws(() => sampler.suggest(18, []), /past the end/);
  });

  it('explains how to make a continuous parameter griddable', () => {
    assert.throws(() => createGridSampler({ dropout: { type: 'uniform', min: 0, max: 0.3 } }, 1), /search_space\.dropout: .*grid_points/);
  });
});

describe('TPE internals (Optuna semantics)', () => {
  it('gamma and weights follow Optuna defaults', () => {
    assert.deepEqual([1, 10, 11, 250, 1000].map(gamma), [1, 1, 2, 25, 25]);
    assert.deepEqual(observationWeights(3), [1, 1, 1]);
    const w = observationWeights(30);
    assert.equal(w.length, 30);
    assert.ok(Math.abs((w[0] as number) - 1 / 30) < 1e-12);
    assert.equal(w[4], 1);
    assert.deepEqual(w.slice(5), Array.from({ length: 25 }, () => 1));
  });

  it('computes univariate bandwidths with prior, endpoints rule and magic clip', () => {
    // mus [0.2, 0.8] + prior 0.5 on [0, 1]: neighbour gaps 0.3 each; endpoints rule keeps 0.3;
    // magic clip min = 1 / min(100, 1 + 3) = 0.25.
    assert.deepEqual(univariateSigmas([0.2, 0.8], { low: 0, high: 1, log: false }).map((s) => +s.toFixed(12)), [0.3, 0.3]);
    // Close observations get clipped up to range / (1 + n_kernels).
    const clipped = univariateSigmas([0.5, 0.51, 0.52], { low: 0, high: 1, log: false });
    for (const s of clipped) assert.ok(s >= 0.2 - 1e-12, `sigma ${s}`);
  });

  it('splits complete trials by value, then pruned trials by depth', () => {
    const trials: FinishedTrial[] = [
      complete(0, {}, 0.5),
      complete(1, {}, 0.9),
      { number: 2, params: {}, state: 'pruned', value: 0.3, lastStep: 3, intermediate: [{ step: 3, value: 0.3 }] },
      { number: 3, params: {}, state: 'pruned', value: 0.6, lastStep: 1, intermediate: [{ step: 1, value: 0.6 }] },
      complete(4, {}, 0.7),
    ];
    const { below, above } = splitTrials(trials, 4, 'maximize');
    assert.deepEqual(below.map((t) => t.number), [0, 1, 2, 4]);
    assert.deepEqual(above.map((t) => t.number), [3]);
    assert.deepEqual(splitTrials(trials, 1, 'minimize').below.map((t) => t.number), [0]);
  });
});

describe('TPE sampler', () => {
  const objective = (p: Params) => -((Math.log10(p.learning_rate as number) + 2.5) ** 2) - ((p.dropout as number) - 0.05) ** 2 * 10 + (p.hidden === 64 ? 0.3 : 0);

  function runSequential(sampler: ReturnType<typeof createTpeSampler>, count: number): FinishedTrial[] {
    const history: FinishedTrial[] = [];
    for (let n = 0; n < count; n++) {
      const params = sampler.suggest(n, history);
      assertInSpace(params);
      history.push(complete(n, params, objective(params)));
    }
    return history;
  }

  it('uses random startup trials, then is deterministic given seed and history', () => {
    const tpe = createTpeSampler(space, { seed: 7, goal: 'maximize' });
    const random = createRandomSampler(space, 7);
    for (let n = 0; n < 10; n++) assert.deepEqual(tpe.suggest(n, []), random.suggest(n, []));
    const a = runSequential(createTpeSampler(space, { seed: 7, goal: 'maximize' }), 30);
    const b = runSequential(createTpeSampler(space, { seed: 7, goal: 'maximize' }), 30);
    assert.deepEqual(a, b);
  });

  it('concentrates on the good region better than random search', () => {
    const best = (trials: FinishedTrial[]) => Math.max(...trials.map((t) => t.value as number));
    const tpeLate = runSequential(createTpeSampler(space, { seed: 3, goal: 'maximize' }), 40).slice(20);
    const random = createRandomSampler(space, 3);
    const randomLate = Array.from({ length: 20 }, (_, i) => {
      const params = random.suggest(20 + i, []);
      return complete(20 + i, params, objective(params));
    });
    const mean = (trials: FinishedTrial[]) => trials.reduce((s, t) => s + (t.value as number), 0) / trials.length;
    assert.ok(mean(tpeLate) > mean(randomLate), `TPE mean ${mean(tpeLate)} vs random ${mean(randomLate)}`);
    assert.ok(best(tpeLate) >= best(randomLate) - 0.05);
    const hidden64 = tpeLate.filter((t) => t.params.hidden === 64).length;
    assert.ok(hidden64 >= 10, `hidden=64 in ${hidden64} of 20 late TPE trials`);
  });

  it('minimises when asked', () => {
    const sampler = createTpeSampler({ x: { type: 'uniform', min: 0, max: 10 } }, { seed: 1, goal: 'minimize' });
    const history: FinishedTrial[] = [];
    for (let n = 0; n < 40; n++) {
      const params = sampler.suggest(n, history);
      history.push(complete(n, params, Math.abs((params.x as number) - 2)));
    }
    const late = history.slice(25).map((t) => t.value as number);
    assert.ok(late.reduce((s, v) => s + v, 0) / late.length < 2, `late mean distance ${late}`);
  });
});
