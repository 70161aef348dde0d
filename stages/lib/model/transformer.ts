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
import { transposeFast } from '../tf/fast-ops.js';
import { tf } from '../tf/tf.js';
import { WeightBuilder } from './init.js';
import { groupedMatMul } from './grouped-matmul.js';
import { addTo, view } from './lean-ops.js';
import { custom } from './linear.js';
import { Dropout, dense, gelu, layerNorm, weight } from './ops.js';
import { initTokenFeatures, tokenFeatureSize, tokenFeatures } from './token-features.js';
import type { Backbone, ForwardOptions, ModelInputs, TransformerConfig, WeightMap } from './types.js';

// Heads are moved with transposeFast: tfjs-wasm's own Transpose of [B, S, nh, dh] costs about as
// much as the attention product itself.
function splitHeads(x: tf.Tensor, batch: number, seq: number, heads: number): tf.Tensor4D {
  const headDim = (x.shape[2] as number) / heads;
  return transposeFast(tf.reshape(x, [batch, seq, heads, headDim]), [0, 2, 1, 3]) as tf.Tensor4D;
}

/** The op sequence above, with the products as batched tf.matMul over [B, nh]. */
function batchedAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, maskBias: tf.Tensor, heads: number): tf.Tensor {
  const [batch, seq, model] = q.shape as [number, number, number];
  const [qh, kh, vh] = [q, k, v].map((x) => splitHeads(x, batch, seq, heads)) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  const scores = tf.add(tf.div(tf.matMul(qh, kh, false, true), Math.sqrt(model / heads)), tf.reshape(maskBias, [batch, 1, 1, seq]));
  const context = tf.matMul(tf.softmax(scores), vh);
  return tf.reshape(transposeFast(context, [0, 2, 1, 3]), [batch, seq, model]);
}

/** softmax(scores / scale + bias) over the last axis; only the probabilities are kept for the gradient. */
function maskedSoftmax(scores: tf.Tensor, bias: tf.Tensor, scale: number): tf.Tensor {
  return custom((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const probs = tf.softmax(tf.add(tf.div(x, scale), bias));
    save([probs]);
    return {
      value: probs,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const p = saved[0] as tf.Tensor;
        const dz = tf.mul(p, tf.sub(dy, tf.sum(tf.mul(dy, p), -1, true)));
        return [tf.div(dz, scale)];
      },
    };
  })(scores);
}

/**
 * The same values with the products as grouped GEMMs (grouped-matmul.ts) over G = B·nh groups,
 * which tfjs-wasm runs several times faster than a batched matMul. Scores are laid out
 * [S_query, B, nh, S_key] instead of [B, nh, S_query, S_key]; the softmax is over the last axis either way.
 */
function groupedAttention(q: tf.Tensor, k: tf.Tensor, v: tf.Tensor, maskBias: tf.Tensor, heads: number): tf.Tensor {
  const [batch, seq, model] = q.shape as [number, number, number];
  const headDim = model / heads;
  const groups = batch * heads;
  const split = (x: tf.Tensor) => view(x, [batch, seq, heads, headDim]);
  const queries = view<tf.Tensor3D>(transposeFast(split(q), [1, 3, 0, 2]), [seq, headDim, groups]);
  const keys = view<tf.Tensor3D>(transposeFast(split(k), [3, 0, 2, 1]), [headDim, groups, seq]);
  const scores = view(groupedMatMul(queries, keys), [seq, batch, heads, seq]);
  const probs = maskedSoftmax(scores, tf.reshape(maskBias, [1, batch, 1, seq]), Math.sqrt(headDim));
  const weights = transposeFast(view(probs, [seq, groups, seq]), [0, 2, 1]) as tf.Tensor3D;
  const values = view<tf.Tensor3D>(transposeFast(split(v), [1, 0, 2, 3]), [seq, groups, headDim]);
  return transposeFast(view(groupedMatMul(weights, values), [seq, batch, model]), [1, 0, 2]);
}

function selfAttention(weights: WeightMap, prefix: string, h: tf.Tensor, maskBias: tf.Tensor, heads: number): tf.Tensor {
  const [q, k, v] = ['q', 'k', 'v'].map((part) => dense(weights, `${prefix}/${part}`, h)) as [tf.Tensor, tf.Tensor, tf.Tensor];
  const attend = tf.getBackend() === 'wasm' ? groupedAttention : batchedAttention;
  return dense(weights, `${prefix}/out`, attend(q, k, v, maskBias, heads));
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
      const seq = batch.wordIds.shape[1];
      if (seq > config.maxLength) throw new Error(`Sequence length ${seq} exceeds maxLength ${config.maxLength}`);
      const dropout = new Dropout(options);
      const positions = tf.slice(weight(weights, 'embed/position'), [0, 0], [seq, config.dModel]);
      let x = dropout.apply(addTo(dense(weights, 'input', tokenFeatures(weights, batch, config)), positions));
      const maskBias = tf.mul(tf.sub(1, batch.mask), -1e9);
      for (let n = 0; n < config.layers; n++) {
        const block = `block${n}`;
        const attended = selfAttention(weights, `${block}/attn`, layerNorm(weights, `${block}/ln1`, x), maskBias, config.heads);
        x = addTo(x, dropout.apply(attended));
        const hidden = gelu(dense(weights, `${block}/ffn/in`, layerNorm(weights, `${block}/ln2`, x)));
        x = addTo(x, dropout.apply(dense(weights, `${block}/ffn/out`, hidden)));
      }
      return dense(weights, 'head', layerNorm(weights, 'final_ln', x)) as tf.Tensor3D;
    });
  },
};
