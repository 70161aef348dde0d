// Building blocks shared by the backbones, written as plain tf ops so each maps to a short,
// documented ONNX sequence.
import { tf } from '../tf/tf.js';
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
export function dense(weights: WeightMap, name: string, x: tf.Tensor): tf.Tensor {
  const kernel = weight(weights, `${name}/kernel`);
  const bias = weight(weights, `${name}/bias`);
  const inner = x.shape[x.shape.length - 1] as number;
  const out = kernel.shape[1] as number;
  const flat = tf.reshape(x, [-1, inner]);
  const y = tf.add(tf.matMul(flat, kernel), bias);
  return tf.reshape(y, [...x.shape.slice(0, -1), out]);
}

/**
 * LayerNorm over the last axis, eps 1e-5:
 * mean = ReduceMean(x); d = x − mean; var = ReduceMean(d²); y = d / sqrt(var + eps) · gamma + beta.
 */
export function layerNorm(weights: WeightMap, name: string, x: tf.Tensor): tf.Tensor {
  const axis = x.shape.length - 1;
  const mean = tf.mean(x, axis, true);
  const centered = tf.sub(x, mean);
  const variance = tf.mean(tf.square(centered), axis, true);
  const normalized = tf.mul(centered, tf.rsqrt(tf.add(variance, 1e-5)));
  return tf.add(tf.mul(normalized, weight(weights, `${name}/gamma`)), weight(weights, `${name}/beta`));
}

/** GELU, tanh approximation: 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))). */
export function gelu(x: tf.Tensor): tf.Tensor {
  const inner = tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI));
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.tanh(inner), 1));
}

/** Seeded inverted dropout; identity at inference (nothing to export). */
export class Dropout {
  #calls = 0;

  constructor(private readonly options: ForwardOptions) {}

  apply(x: tf.Tensor): tf.Tensor {
    const { training, dropout, seed } = this.options;
    if (!training || dropout <= 0) return x;
    this.#calls += 1;
    return tf.dropout(x, dropout, undefined, seed + this.#calls * 7919);
  }
}
