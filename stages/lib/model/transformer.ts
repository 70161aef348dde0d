// Transformer encoder tagger: token features projected to dModel + learned positions, N pre-LN
// blocks of masked multi-head self-attention and a GELU feed-forward, final LayerNorm, linear head.
//
// Weights (D = tokenFeatureSize = wordDim + charFilters, M = dModel, L = maxLength, F = ffn,
// T = number of tags), plus the token-feature weights documented in token-features.ts:
//   input/kernel [D, M], input/bias [M]
//   embed/position [L, M]
//   block{n}/ln1/gamma [M], block{n}/ln1/beta [M]
//   block{n}/attn/{q,k,v,out}/kernel [M, M], .../bias [M]
//   block{n}/ln2/gamma [M], block{n}/ln2/beta [M]
//   block{n}/ffn/in/kernel [M, F], block{n}/ffn/in/bias [F]
//   block{n}/ffn/out/kernel [F, M], block{n}/ffn/out/bias [M]
//   final_ln/gamma [M], final_ln/beta [M]
//   head/kernel [M, T], head/bias [T]
//
// Op sequence (B batch, S ≤ L tokens, mask m [B, S], nh = heads, dh = M / nh); dense(x, name) is
// MatMul(x, name/kernel) + name/bias on the last axis, LayerNorm is defined in ops.ts (eps 1e-5):
//   x = dense(tokenFeatures(...), input) + Slice(embed/position, rows 0…S−1)   [B, S, M]
//   x = Dropout(x)
//   bias = Reshape((1 − m) · −1e9, [B, 1, 1, S])
//   for n in 0…layers−1:
//     h = LayerNorm(x, block{n}/ln1)
//     q, k, v = dense(h, block{n}/attn/{q,k,v}) → Reshape [B, S, nh, dh] → Transpose [0, 2, 1, 3]
//     p = Softmax(MatMul(q, Transpose(k, [0, 1, 3, 2])) / √dh + bias)       [B, nh, S, S]
//     a = Transpose(MatMul(p, v), [0, 2, 1, 3]) → Reshape [B, S, M]
//     x = x + Dropout(dense(a, block{n}/attn/out))
//     h = LayerNorm(x, block{n}/ln2)
//     x = x + Dropout(dense(GELU(dense(h, block{n}/ffn/in)), block{n}/ffn/out))
//   logits = dense(LayerNorm(x, final_ln), head)                               [B, S, T]
// GELU is the tanh approximation (ops.ts). Padded keys get −1e9 before the softmax, so real
// tokens never attend to padding; padded query rows are computed but ignored by the loss.
import { tf } from '../tf/tf.js';
import { WeightBuilder } from './init.js';
import { Dropout, dense, gelu, layerNorm, weight } from './ops.js';
import { initTokenFeatures, tokenFeatureSize, tokenFeatures } from './token-features.js';
import type { Backbone, ForwardOptions, ModelInputs, TransformerConfig, WeightMap } from './types.js';

function splitHeads(x: tf.Tensor, batch: number, seq: number, heads: number): tf.Tensor4D {
  const headDim = (x.shape[2] as number) / heads;
  return tf.transpose(tf.reshape(x, [batch, seq, heads, headDim]), [0, 2, 1, 3]);
}

function selfAttention(weights: WeightMap, prefix: string, h: tf.Tensor, maskBias: tf.Tensor, heads: number): tf.Tensor {
  const [batch, seq, model] = h.shape as [number, number, number];
  const q = splitHeads(dense(weights, `${prefix}/q`, h), batch, seq, heads);
  const k = splitHeads(dense(weights, `${prefix}/k`, h), batch, seq, heads);
  const v = splitHeads(dense(weights, `${prefix}/v`, h), batch, seq, heads);
  const scores = tf.add(tf.div(tf.matMul(q, k, false, true), Math.sqrt(model / heads)), maskBias);
  const context = tf.matMul(tf.softmax(scores), v);
  const merged = tf.reshape(tf.transpose(context, [0, 2, 1, 3]), [batch, seq, model]);
  return dense(weights, `${prefix}/out`, merged);
}

export const transformer: Backbone<TransformerConfig> = {
  name: 'transformer',

  initWeights(config, sizes, numTags, seed) {
    const builder = new WeightBuilder(seed);
    const m = config.dModel;
    initTokenFeatures(builder, config, sizes);
    builder.glorot('input/kernel', tokenFeatureSize(config), m);
    builder.constant('input/bias', [m], 0);
    builder.embedding('embed/position', config.maxLength, m, 0.02);
    for (let n = 0; n < config.layers; n++) {
      const block = `block${n}`;
      builder.constant(`${block}/ln1/gamma`, [m], 1);
      builder.constant(`${block}/ln1/beta`, [m], 0);
      for (const part of ['q', 'k', 'v', 'out']) {
        builder.glorot(`${block}/attn/${part}/kernel`, m, m);
        builder.constant(`${block}/attn/${part}/bias`, [m], 0);
      }
      builder.constant(`${block}/ln2/gamma`, [m], 1);
      builder.constant(`${block}/ln2/beta`, [m], 0);
      builder.glorot(`${block}/ffn/in/kernel`, m, config.ffn);
      builder.constant(`${block}/ffn/in/bias`, [config.ffn], 0);
      builder.glorot(`${block}/ffn/out/kernel`, config.ffn, m);
      builder.constant(`${block}/ffn/out/bias`, [m], 0);
    }
    builder.constant('final_ln/gamma', [m], 1);
    builder.constant('final_ln/beta', [m], 0);
    builder.glorot('head/kernel', m, numTags);
    builder.constant('head/bias', [numTags], 0);
    return builder.weights;
  },

  forward(weights: WeightMap, batch: ModelInputs, config: TransformerConfig, options: ForwardOptions) {
    return tf.tidy(() => {
      const [batchSize, seq] = batch.wordIds.shape;
      if (seq > config.maxLength) throw new Error(`Sequence length ${seq} exceeds maxLength ${config.maxLength}`);
      const dropout = new Dropout(options);
      const positions = tf.slice(weight(weights, 'embed/position'), [0, 0], [seq, config.dModel]);
      let x = dropout.apply(tf.add(dense(weights, 'input', tokenFeatures(weights, batch, config)), positions));
      const maskBias = tf.reshape(tf.mul(tf.sub(1, batch.mask), -1e9), [batchSize, 1, 1, seq]);
      for (let n = 0; n < config.layers; n++) {
        const block = `block${n}`;
        const attended = selfAttention(weights, `${block}/attn`, layerNorm(weights, `${block}/ln1`, x), maskBias, config.heads);
        x = tf.add(x, dropout.apply(attended));
        const hidden = gelu(dense(weights, `${block}/ffn/in`, layerNorm(weights, `${block}/ln2`, x)));
        x = tf.add(x, dropout.apply(dense(weights, `${block}/ffn/out`, hidden)));
      }
      return dense(weights, 'head', layerNorm(weights, 'final_ln', x)) as tf.Tensor3D;
    });
  },
};
