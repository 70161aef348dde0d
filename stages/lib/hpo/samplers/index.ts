import type { SamplingConfig, SearchSpace } from '../config.js';
import type { Goal } from '../types.js';
import { createGridSampler } from './grid-sampler.js';
import { createRandomSampler } from './random-sampler.js';
import type { Sampler } from './sampler.js';
import { createTpeSampler } from './tpe-sampler.js';

export type { Sampler } from './sampler.js';

export function createSampler(
  space: SearchSpace,
  sampling: Pick<SamplingConfig, 'algorithm' | 'seed'> & Partial<SamplingConfig>,
  goal: Goal,
): Sampler {
  switch (sampling.algorithm) {
    case 'random':
      return createRandomSampler(space, sampling.seed);
    case 'grid':
      return createGridSampler(space, sampling.seed);
    case 'tpe':
      return createTpeSampler(space, {
        seed: sampling.seed,
        goal,
        nStartupTrials: sampling.n_startup_trials,
        nEiCandidates: sampling.n_ei_candidates,
      });
  }
}
