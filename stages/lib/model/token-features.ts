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
import { tf } from '../tf/tf.js';
import type { WeightBuilder } from './init.js';
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

function charCnn(weights: WeightMap, charIds: tf.Tensor3D, config: TokenFeatureConfig): tf.Tensor {
  const [batch, seq, chars] = charIds.shape;
  const dim = config.charDim;
  const window = config.charWindow;
  const half = (window - 1) / 2;
  const embedded = tf.reshape(tf.gather(weight(weights, 'embed/char'), charIds), [batch * seq, chars, dim]);
  const padded = tf.pad(embedded, [[0, 0], [half, window - 1 - half], [0, 0]]);
  const slices: tf.Tensor[] = [];
  for (let k = 0; k < window; k++) slices.push(tf.slice(padded, [0, k, 0], [batch * seq, chars, dim]));
  const windows = tf.reshape(tf.concat(slices, 2), [batch * seq * chars, window * dim]);
  const conv = tf.relu(tf.add(tf.matMul(windows, weight(weights, 'char/conv/kernel')), weight(weights, 'char/conv/bias')));
  const charMask = tf.reshape(tf.cast(tf.greater(charIds, 0), 'float32'), [batch * seq, chars, 1]);
  const masked = tf.mul(tf.reshape(conv, [batch * seq, chars, config.charFilters]), charMask);
  return tf.reshape(tf.max(masked, 1), [batch, seq, config.charFilters]);
}

/** [B, S, tokenFeatureSize(config)] */
export function tokenFeatures(weights: WeightMap, batch: ModelInputs, config: TokenFeatureConfig): tf.Tensor3D {
  const words = tf.gather(weight(weights, 'embed/word'), batch.wordIds);
  if (config.charDim <= 0) return words as tf.Tensor3D;
  return tf.concat([words, charCnn(weights, batch.charIds, config)], 2) as tf.Tensor3D;
}
