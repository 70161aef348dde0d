// Building blocks shared by the backbones. Each documents the plain op sequence it computes (and
// that the ONNX export writes out); dense, layerNorm and gelu compute it with hand-written
// gradients that need fewer, faster kernels on the wasm backend (see linear.ts).
import { tf } from '../tf/tf.js';
import { dropout } from './lean-ops.js';
import { custom, linear, sumRows } from './linear.js';
import type { ForwardOptions, WeightMap } from './types.js';

export function weight(weights: WeightMap, name: string): tf.Variable {
  const value = weights[name];
  if (!value) throw new Error(`Missing weight '${name}'`);
  return value;
}

/**
 * x [..., in] → x·kernel + bias [..., out], via reshape to 2-D:
 * ONNX: Reshape → MatMul(`<name>/kernel`) → Add(`<name>/bias`) → Reshape.
 */
export function dense(weights: WeightMap, name: string, x: tf.Tensor, activation: 'linear' | 'relu' = 'linear'): tf.Tensor {
  return linear(x, weight(weights, `${name}/kernel`) as tf.Tensor as tf.Tensor2D, weight(weights, `${name}/bias`) as tf.Tensor as tf.Tensor1D, activation);
}

const normalize = custom<tf.Tensor>((x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, save: tf.GradSaveFunc) => {
  const rows = tf.reshape(x, [-1, gamma.shape[0]]) as tf.Tensor2D;
  const mean = tf.mean(rows, 1, true);
  const centered = tf.sub(rows, mean);
  const variance = tf.mean(tf.square(centered), 1, true);
  const rstd = tf.rsqrt(tf.add(variance, 1e-5));
  const normalized = tf.mul(centered, rstd);
  save([normalized, rstd, gamma]);
  return {
    value: tf.reshape(tf.add(tf.mul(normalized, gamma), beta), x.shape),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [n, rstd, gamma] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
      const dRows = tf.reshape(dy, n.shape) as tf.Tensor2D;
      // dx = rstd · (g − mean(g) − n · mean(g · n)) with g = dy · gamma, means over the last axis.
      const g = tf.mul(dRows, gamma);
      const dx = tf.mul(tf.sub(tf.sub(g, tf.mean(g, 1, true)), tf.mul(n, tf.mean(tf.mul(g, n), 1, true))), rstd);
      return [tf.reshape(dx, x.shape), sumRows(tf.mul(dRows, n) as tf.Tensor2D), sumRows(dRows)];
    },
  };
});

/**
 * LayerNorm over the last axis, eps 1e-5:
 * mean = ReduceMean(x); d = x − mean; var = ReduceMean(d²); y = d / sqrt(var + eps) · gamma + beta.
 */
export function layerNorm(weights: WeightMap, name: string, x: tf.Tensor): tf.Tensor {
  return normalize(x, weight(weights, `${name}/gamma`), weight(weights, `${name}/beta`));
}

const GELU_C = Math.sqrt(2 / Math.PI);
const GELU_A = 0.044715;

// 0.5·(1 + tanh(u)) = σ(2u), and tfjs-wasm's Sigmoid is vectorised while its Tanh is not.
const geluTanh = custom<tf.Tensor>((x: tf.Tensor, save: tf.GradSaveFunc) => {
  const inner = tf.mul(tf.add(x, tf.mul(tf.mul(tf.square(x), x), GELU_A)), 2 * GELU_C);
  const gate = tf.sigmoid(inner);
  save([x, gate]);
  return {
    value: tf.mul(x, gate),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [x, s] = saved as [tf.Tensor, tf.Tensor];
      // d/dx x·σ(2u) = σ + x·σ·(1 − σ)·2u', with 2u' = 2c·(1 + 3a·x²).
      const du = tf.add(tf.mul(tf.square(x), 2 * GELU_C * 3 * GELU_A), 2 * GELU_C);
      const slope = tf.add(s, tf.mul(tf.mul(x, tf.mul(s, tf.sub(1, s))), du));
      return [tf.mul(dy, slope)];
    },
  };
});

/** GELU, tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), computed as x·σ(2·√(2/π)·(x + 0.044715·x³)). */
export function gelu(x: tf.Tensor): tf.Tensor {
  return geluTanh(x);
}

/** Seeded inverted dropout (tf.dropout's masks, see lean-ops.ts); identity at inference (nothing to export). */
export class Dropout {
  #calls = 0;

  constructor(private readonly options: ForwardOptions) {}

  apply(x: tf.Tensor): tf.Tensor {
    const { training, dropout: rate, seed } = this.options;
    if (!training || rate <= 0) return x;
    this.#calls += 1;
    return dropout(x, rate, seed + this.#calls * 7919);
  }
}
