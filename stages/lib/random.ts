// Seeded uniform floats in [0, 1) for everything that must be reproducible (splits, samplers).
// Math.random cannot be seeded and an npm PRNG would be a dependency for ten lines: mulberry32
// (32-bit state) is enough for shuffling and sampling.
export type Rng = () => number;

export function mulberry32(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
