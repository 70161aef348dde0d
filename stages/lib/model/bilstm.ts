// BiLSTM tagger: token features → forward and backward LSTM → per-token linear head.
//
// Weights (D = tokenFeatureSize = wordDim + charFilters, H = hidden, T = number of tags),
// plus the token-feature weights documented in token-features.ts:
//   bilstm/fw/kernel            [D, 4H]   input → gates
//   bilstm/fw/recurrent_kernel  [H, 4H]   hidden → gates
//   bilstm/fw/bias              [4H]      (forget-gate slice initialised to 1)
//   bilstm/bw/...               same shapes, backward direction
//   head/kernel                 [2H, T]
//   head/bias                   [T]
// Gate order along the 4H axis is i, f, g, o (Keras order: input, forget, cell candidate,
// output). The ONNX LSTM op uses i, o, f, c: reorder the column blocks [i f g o] → [i o f g]
// and transpose (W = kernelᵀ, R = recurrent_kernelᵀ, Wb = bias, Rb = 0) if mapping to it.
//
// Op sequence (B batch, S tokens, mask m [B, S], right-padded):
//   x  = Dropout(tokenFeatures(...))                                   [B, S, D]
//   for dir in fw (t = 0…S−1), bw (t = S−1…0):
//     xp = MatMul(Reshape(x, [B·S, D]), kernel) + bias → Reshape [B, S, 4H]
//     h = c = 0                                                        [B, H]
//     each t:  z = xp[:, t] + MatMul(h, recurrent_kernel)             [B, 4H]
//              i = σ(z[:, 0:H]); f = σ(z[:, H:2H]); g = tanh(z[:, 2H:3H]); o = σ(z[:, 3H:4H])
//              c' = f·c + i·g;  h' = o·tanh(c')
//              mt = m[:, t] as [B, 1]
//              c = mt·c' + (1−mt)·c;  h = mt·h' + (1−mt)·h           (padding leaves the state unchanged)
//              out[:, t] = mt·h
//   y = Dropout(Concat(out_fw, out_bw, axis −1))                       [B, S, 2H]
//   logits = MatMul(Reshape(y, [B·S, 2H]), head/kernel) + head/bias → Reshape [B, S, T]
// Because padding is on the right, the backward direction starts from a zero state at each
// sentence's last real token, so padded and unpadded runs give the same outputs for real tokens.
import { stackFast, unstackFast } from '../tf/fast-ops.js';
import { tf } from '../tf/tf.js';
import { WeightBuilder } from './init.js';
import { concat } from './lean-ops.js';
import { matMul2d } from './linear.js';
import { Dropout, dense, weight } from './ops.js';
import { initTokenFeatures, tokenFeatureSize, tokenFeatures } from './token-features.js';
import type { Backbone, BiLstmConfig, ForwardOptions, ModelInputs, WeightMap } from './types.js';

function initDirection(builder: WeightBuilder, prefix: string, input: number, hidden: number): void {
  builder.glorot(`${prefix}/kernel`, input, 4 * hidden);
  builder.glorot(`${prefix}/recurrent_kernel`, hidden, 4 * hidden);
  const bias = new Float32Array(4 * hidden);
  bias.fill(1, hidden, 2 * hidden);
  builder.values(`${prefix}/bias`, [4 * hidden], bias);
}

/** The mask m [B, 1] of each step, and 1 − m. */
interface Masks {
  readonly steps: readonly tf.Tensor[];
  readonly keepSteps: readonly tf.Tensor[];
}

// Per-step slices and the final stack go through unstackFast / stackFast and the recurrent product
// through matMul2d: with tfjs-wasm's own Unpack and matMul gradient they dominate the step.
function runDirection(weights: WeightMap, prefix: string, x: tf.Tensor3D, masks: Masks, hidden: number, reverse: boolean): tf.Tensor3D {
  const [batch, seq] = x.shape;
  const steps = unstackFast(dense(weights, prefix, x), 1);
  const recurrent = weight(weights, `${prefix}/recurrent_kernel`) as tf.Tensor as tf.Tensor2D;
  let h: tf.Tensor = tf.zeros([batch, hidden]);
  let c: tf.Tensor = tf.zeros([batch, hidden]);
  const outputs = new Array<tf.Tensor>(seq);
  for (let s = 0; s < seq; s++) {
    const t = reverse ? seq - 1 - s : s;
    const z = tf.add(steps[t] as tf.Tensor, matMul2d(h as tf.Tensor2D, recurrent));
    // Gate blocks as an unstack of [B, 4, H]: the same copies as tf.split, which tfjs-wasm runs by
    // reading the whole tensor back into JS for every slice.
    const [zi, zf, zg, zo] = unstackFast(tf.reshape(z, [batch, 4, hidden]), 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const cNext = tf.add(tf.mul(tf.sigmoid(zf), c), tf.mul(tf.sigmoid(zi), tf.tanh(zg)));
    const hNext = tf.mul(tf.sigmoid(zo), tf.tanh(cNext));
    const m = masks.steps[t] as tf.Tensor;
    const keep = masks.keepSteps[t] as tf.Tensor;
    c = tf.add(tf.mul(m, cNext), tf.mul(keep, c));
    h = tf.add(tf.mul(m, hNext), tf.mul(keep, h));
    outputs[t] = tf.mul(m, h);
  }
  return stackFast(outputs, 1) as tf.Tensor3D;
}

export const bilstm: Backbone<BiLstmConfig> = {
  name: 'bilstm',

  initWeights(config, sizes, numTags, seed) {
    const builder = new WeightBuilder(seed);
    initTokenFeatures(builder, config, sizes);
    const input = tokenFeatureSize(config);
    initDirection(builder, 'bilstm/fw', input, config.hidden);
    initDirection(builder, 'bilstm/bw', input, config.hidden);
    builder.glorot('head/kernel', 2 * config.hidden, numTags);
    builder.constant('head/bias', [numTags], 0);
    return builder.weights;
  },

  forward(weights: WeightMap, batch: ModelInputs, config: BiLstmConfig, options: ForwardOptions) {
    return tf.tidy(() => {
      const dropout = new Dropout(options);
      const x = dropout.apply(tokenFeatures(weights, batch, config)) as tf.Tensor3D;
      const [batchSize, seq] = batch.mask.shape;
      // 1 − m once for every step of both directions: the mask is 0 or 1, so the values are exact.
      const masks: Masks = {
        steps: unstackFast(tf.reshape(batch.mask, [batchSize, seq, 1]), 1),
        keepSteps: unstackFast(tf.reshape(tf.sub(1, batch.mask), [batchSize, seq, 1]), 1),
      };
      const fw = runDirection(weights, 'bilstm/fw', x, masks, config.hidden, false);
      const bw = runDirection(weights, 'bilstm/bw', x, masks, config.hidden, true);
      const y = dropout.apply(concat([fw, bw], 2));
      return dense(weights, 'head', y) as tf.Tensor3D;
    });
  },
};
