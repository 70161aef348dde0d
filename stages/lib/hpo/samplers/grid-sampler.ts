import type { SearchSpace } from '../config.js';
import { permutation, rngFor } from '../prng.js';
import { gridValues } from '../search-space.js';
import type { ParamValue, Params } from '../types.js';
import type { Sampler } from './sampler.js';

/**
 * Every combination of the parameters' grid values, visited in a seeded random order fixed up
 * front: trial n takes point order[n], so parallel trials never duplicate a point (unlike
 * Optuna's GridSampler, which picks among unvisited points at ask time).
 */
export function createGridSampler(space: SearchSpace, seed: number): Sampler {
  const axes = Object.entries(space).map(([name, param]) => ({ name, values: gridValues(name, param) }));
  const size = axes.reduce((product, axis) => product * axis.values.length, 1);
  const order = permutation(rngFor(seed, 'grid'), size);
  return {
    size,
    suggest(trialNumber) {
      const point = order[trialNumber];
      if (point === undefined) {
        throw new RangeError(`grid has ${size} points; trial ${trialNumber} is past the end`);
      }
      return gridPoint(axes, point);
    },
  };
}

/** Mixed-radix decoding of a point index, last parameter varying fastest. */
function gridPoint(axes: readonly { name: string; values: readonly ParamValue[] }[], index: number): Params {
  const params: Record<string, ParamValue> = {};
  let rest = index;
  for (let i = axes.length - 1; i >= 0; i--) {
    const axis = axes[i]!;
    params[axis.name] = axis.values[rest % axis.values.length] as ParamValue;
    rest = Math.floor(rest / axis.values.length);
  }
  return Object.fromEntries(axes.map((axis) => [axis.name, params[axis.name] as ParamValue]));
}
