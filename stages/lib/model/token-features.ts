// Per-token input features shared by both backbones: a word embedding concatenated with a
// character CNN over the token's characters.
//
// Weights (Vw/Vc = word/char vocabulary sizes, w = charWindow, dc = charDim, F = charFilters):
//   embed/word        [Vw, wordDim]     row 0 = PAD, row 1 = UNK
//   embed/char        [Vc, dc]          (absent when charDim = 0)
//   char/conv/kernel  [w·dc, F]         rows ordered window offset-major: offset k covers rows k·dc … k·dc+dc−1
//   char/conv/bias    [F]
//
// Op sequence (B batch, S tokens, C = maxChars):
//   word  = Gather(embed/word, wordIds)                         [B, S, wordDim]
//   ch    = Gather(embed/char, charIds)                          [B, S, C, dc]
//   ch    = Reshape(ch, [B·S, C, dc])
//   ch    = Pad(ch, zeros, axis 1: (w−1)/2 before and after)      [B·S, C+w−1, dc]
//   win   = Concat_k(Slice(ch, axis 1, k … k+C)) for k = 0…w−1,
//           on the last axis                                    [B·S, C, w·dc]
//   conv  = Relu(MatMul(Reshape(win, [B·S·C, w·dc]), char/conv/kernel) + char/conv/bias)
//   conv  = Reshape(conv, [B·S, C, F]) · Cast(charIds > 0)[B·S, C, 1]   (zero at padded chars)
//   chars = Reshape(ReduceMax(conv, axis 1), [B, S, F])         (≥ 0 because of the Relu)
//   out   = Concat(word, chars, axis −1)                         [B, S, wordDim + F]
//
// The window is built by hand (an explicit im2col) instead of tf.conv1d because the wasm
// backend has no Conv2DBackpropFilter kernel, so a real convolution cannot be trained there.
// The code computes the same values with fewer kernels: the window rows are gathered directly
// from the table extended by one zero row (the index of the out-of-token positions), the Relu
// shares the MatMul's gradient op (linear.ts), and the mask and ReduceMax are one op whose gradient
// avoids tfjs-wasm's slow broadcasting Equal.
import { gatherRows } from '../tf/fast-ops.js';
import { tf } from '../tf/tf.js';
import type { WeightBuilder } from './init.js';
import { concat, view } from './lean-ops.js';
import { custom, linear } from './linear.js';
import { weight } from './ops.js';
import type { ModelInputs, TokenFeatureConfig, VocabSizes, WeightMap } from './types.js';

export function tokenFeatureSize(config: TokenFeatureConfig): number {
  return config.wordDim + (config.charDim > 0 ? config.charFilters : 0);
}

export function initTokenFeatures(builder: WeightBuilder, config: TokenFeatureConfig, sizes: VocabSizes): void {
  builder.embedding('embed/word', sizes.words, config.wordDim);
  if (config.charDim <= 0) return;
  builder.embedding('embed/char', sizes.chars, config.charDim);
  builder.glorot('char/conv/kernel', config.charWindow * config.charDim, config.charFilters);
  builder.constant('char/conv/bias', [config.charFilters], 0);
}

/** [B·S·C, w]: the character ids of each window, `padRow` where the window leaves the token. */
function windowIds(charIds: tf.Tensor3D, window: number, padRow: number): tf.Tensor2D {
  const [batch, seq, chars] = charIds.shape;
  const ids = charIds.dataSync();
  const half = (window - 1) / 2;
  const out = new Int32Array(batch * seq * chars * window);
  for (let token = 0; token < batch * seq; token++) {
    for (let c = 0; c < chars; c++) {
      const row = (token * chars + c) * window;
      for (let k = 0; k < window; k++) {
        const at = c + k - half;
        out[row + k] = at >= 0 && at < chars ? (ids[token * chars + at] as number) : padRow;
      }
    }
  }
  return tf.tensor2d(out, [batch * seq * chars, window], 'int32');
}

/**
 * ReduceMax over the characters of conv [N·C, F] · mask [N, C, 1] → [N, F]. The gradient goes to
 * every position equal to the maximum, as tf.max's does.
 */
function maskedMax(conv: tf.Tensor2D, mask: tf.Tensor3D): tf.Tensor2D {
  const [n, c] = mask.shape;
  const f = conv.shape[1];
  return custom<tf.Tensor2D>((x: tf.Tensor2D, save: tf.GradSaveFunc) => {
    const masked = tf.mul(tf.reshape(x, [n, c, f]), mask);
    // As a [C, 1] max pool: tfjs-wasm's Max transposes the input first when the axis is not the last.
    const y = tf.reshape(tf.maxPool(tf.reshape(masked, [n, c, 1, f]) as tf.Tensor4D, [c, 1], [c, 1], 'valid'), [n, f]) as tf.Tensor2D;
    save([masked, y, mask]);
    return {
      value: y,
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [masked, y, mask] = saved as [tf.Tensor3D, tf.Tensor2D, tf.Tensor3D];
        // max − x is exactly 0 at the maximum and > 0 elsewhere.
        const isMax = tf.sub(1, tf.step(tf.sub(tf.reshape(y, [n, 1, f]), masked)));
        return [tf.reshape(tf.mul(tf.mul(isMax, mask), tf.reshape(dy, [n, 1, f])), [n * c, f])];
      },
    };
  })(conv);
}

function charCnn(weights: WeightMap, charIds: tf.Tensor3D, config: TokenFeatureConfig): tf.Tensor {
  const [batch, seq, chars] = charIds.shape;
  const { charDim: dim, charWindow: window, charFilters: filters } = config;
  const table = weight(weights, 'embed/char');
  const extended = concat([table, tf.zeros([1, dim])], 0);
  const windows = view<tf.Tensor2D>(gatherRows(extended, windowIds(charIds, window, table.shape[0] as number)), [batch * seq * chars, window * dim]);
  const conv = linear(windows, weight(weights, 'char/conv/kernel') as tf.Tensor as tf.Tensor2D, weight(weights, 'char/conv/bias') as tf.Tensor as tf.Tensor1D, 'relu');
  const charMask = tf.reshape(tf.cast(tf.greater(charIds, 0), 'float32'), [batch * seq, chars, 1]) as tf.Tensor3D;
  return view(maskedMax(conv as tf.Tensor2D, charMask), [batch, seq, filters]);
}

/** [B, S, tokenFeatureSize(config)] */
export function tokenFeatures(weights: WeightMap, batch: ModelInputs, config: TokenFeatureConfig): tf.Tensor3D {
  const words = gatherRows(weight(weights, 'embed/word'), batch.wordIds);
  if (config.charDim <= 0) return words as tf.Tensor3D;
  return concat([words, charCnn(weights, batch.charIds, config)], 2) as tf.Tensor3D;
}
