// Per-parameter helpers: uniform draws, grid values and the numeric view used by TPE.
import type { ParamSpec, SearchSpace } from './config.js';
import { type Rng, randomIndex } from './prng.js';
import type { ParamValue } from './types.js';

/** A numeric parameter as TPE models it: log parameters live in log space, `step` discretises. */
export interface NumericDomain {
  readonly low: number;
  readonly high: number;
  readonly step?: number;
  readonly log: boolean;
}

export function numericDomain(param: Exclude<ParamSpec, { type: 'choice' }>): NumericDomain {
  switch (param.type) {
    case 'loguniform':
      return { low: Math.log(param.min), high: Math.log(param.max), log: true };
    case 'int':
      return { low: param.min, high: lastOnGrid(param.min, param.max, param.step), step: param.step, log: false };
    case 'uniform':
      return param.step === undefined
        ? { low: param.min, high: param.max, log: false }
        : { low: param.min, high: lastOnGrid(param.min, param.max, param.step), step: param.step, log: false };
  }
}

/** Internal (modelled) value → parameter value. */
export function fromInternal(param: ParamSpec, x: number): ParamValue {
  if (param.type === 'choice') return param.values[x] as ParamValue;
  const domain = numericDomain(param);
  let value = domain.log ? Math.exp(x) : x;
  if (domain.step !== undefined) value = snap(value, domain.low, domain.high, domain.step);
  value = Math.min(Math.max(value, param.min), param.max);
  return param.type === 'int' ? Math.round(value) : value;
}

/** Parameter value → internal value; undefined when the value does not belong to the space. */
export function toInternal(param: ParamSpec, value: ParamValue): number | undefined {
  if (param.type === 'choice') {
    const index = param.values.indexOf(value);
    return index < 0 ? undefined : index;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  return param.type === 'loguniform' ? Math.log(value) : value;
}

export function sampleUniform(param: ParamSpec, rng: Rng): ParamValue {
  if (param.type === 'choice') return param.values[randomIndex(rng, param.values.length)] as ParamValue;
  const domain = numericDomain(param);
  if (domain.step !== undefined) {
    const count = Math.round((domain.high - domain.low) / domain.step) + 1;
    return fromInternal(param, domain.low + randomIndex(rng, count) * domain.step);
  }
  return fromInternal(param, domain.low + rng() * (domain.high - domain.low));
}

export class GridSpaceError extends Error {
  override name = 'GridSpaceError';
}

/** The finite values the grid sampler visits for one parameter. */
export function gridValues(name: string, param: ParamSpec): ParamValue[] {
  switch (param.type) {
    case 'choice':
      return [...param.values];
    case 'int': {
      const values: number[] = [];
      for (let v = param.min; v <= param.max; v += param.step) values.push(v);
      return values;
    }
    case 'uniform':
    case 'loguniform': {
      if (param.type === 'uniform' && param.step !== undefined && param.grid_points === undefined) {
        const count = Math.round((lastOnGrid(param.min, param.max, param.step) - param.min) / param.step) + 1;
        return Array.from({ length: count }, (_, i) => roundFloat(param.min + i * param.step!));
      }
      if (param.grid_points === undefined) {
        throw new GridSpaceError(
          `search_space.${name}: grid sampling needs finite values; add grid_points: N, ` +
            `or use type: choice or int`,
        );
      }
      const n = param.grid_points;
      const [low, high] = param.type === 'loguniform' ? [Math.log(param.min), Math.log(param.max)] : [param.min, param.max];
      return Array.from({ length: n }, (_, i) => {
        const x = low + ((high - low) * i) / (n - 1);
        return roundFloat(param.type === 'loguniform' ? Math.exp(x) : x);
      });
    }
  }
}

export function spaceNames(space: SearchSpace): string[] {
  return Object.keys(space);
}

function lastOnGrid(min: number, max: number, step: number): number {
  return min + Math.floor((max - min) / step + 1e-9) * step;
}

function snap(value: number, low: number, high: number, step: number): number {
  const snapped = low + Math.round((value - low) / step) * step;
  return roundFloat(Math.min(Math.max(snapped, low), high));
}

/** Removes binary noise such as 0.30000000000000004 so values print and compare cleanly. */
function roundFloat(x: number): number {
  return Number.parseFloat(x.toPrecision(12));
}
