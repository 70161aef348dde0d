import type { SearchSpace } from '../config.js';
import { rngFor } from '../prng.js';
import { sampleUniform } from '../search-space.js';
import type { ParamValue, Params } from '../types.js';
import type { Sampler } from './sampler.js';

/** Independent uniform draws (log-uniform for loguniform); trial n's draw depends only on (seed, n). */
export function createRandomSampler(space: SearchSpace, seed: number): Sampler {
  return {
    suggest(trialNumber) {
      return sampleRandomParams(space, seed, trialNumber);
    },
  };
}

export function sampleRandomParams(space: SearchSpace, seed: number, trialNumber: number): Params {
  const params: Record<string, ParamValue> = {};
  for (const [name, param] of Object.entries(space)) {
    params[name] = sampleUniform(param, rngFor(seed, 'random', trialNumber, name));
  }
  return params;
}
