// The values of tf.randomUniform(shape, 0, 1, 'float32', seed), computed in a plain loop. tfjs draws
// them one call at a time through seedrandom's Alea generator and a TensorBuffer, which costs more
// than the ops that use them. This is the same generator (Baagoe's Alea with its Mash seeding, as
// in seedrandom 3), so the values are bit-identical.

const TWO_POW_MINUS_32 = 2.3283064365386963e-10;

function mash(): (data: string) => number {
  let n = 0xefc8249d;
  return (data) => {
    for (let i = 0; i < data.length; i++) {
      n += data.charCodeAt(i);
      let h = 0.02519603282416938 * n;
      n = h >>> 0;
      h -= n;
      h *= n;
      n = h >>> 0;
      h -= n;
      n += h * 0x100000000;
    }
    return (n >>> 0) * TWO_POW_MINUS_32;
  };
}

/** Fills `out` with the Alea stream for `seed` (a number is seeded by its decimal string, as tfjs does). */
export function uniformValues(seed: number | string, out: Float32Array): Float32Array {
  const key = String(seed);
  const m = mash();
  let s0 = m(' ');
  let s1 = m(' ');
  let s2 = m(' ');
  s0 -= m(key);
  if (s0 < 0) s0 += 1;
  s1 -= m(key);
  if (s1 < 0) s1 += 1;
  s2 -= m(key);
  if (s2 < 0) s2 += 1;
  let c = 1;
  for (let i = 0; i < out.length; i++) {
    const t = 2091639 * s0 + c * TWO_POW_MINUS_32;
    s0 = s1;
    s1 = s2;
    c = t | 0;
    s2 = t - c;
    out[i] = s2;
  }
  return out;
}

/**
 * tf.div(tf.floor(tf.add(tf.randomUniform(shape, 0, 1, 'float32', seed), keep)), keep) as values:
 * each step rounded to float32 as those ops round it, so the multiplier is bit-identical.
 */
export function dropoutMultiplierValues(size: number, keep: number, seed: number): Float32Array {
  const out = uniformValues(seed, new Float32Array(size));
  const k = Math.fround(keep);
  for (let i = 0; i < size; i++) out[i] = Math.floor(Math.fround((out[i] as number) + k)) / k;
  return out;
}
