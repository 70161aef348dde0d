// Batched matrix products as depthwise convolutions. tfjs-wasm runs a batched tf.matMul in a scalar
// loop (about 2 GFLOP/s here), while a depthwise convolution with a channel multiplier is a grouped
// GEMM on XNNPACK (about 14 GFLOP/s on the attention shapes). Both compute the same sums.
//
// "Conv layouts", for G groups: a [M, K, G], b [K, G, N] → c [M, G, N],
//   c[m, g, n] = Σ_k a[m, k, g] · b[k, g, n]
// a is the convolution's input image (one row per (m, k), G channels), b its filter (height K,
// channel multiplier N), applied with a stride of K rows.
import { transposeFast } from '../tf/fast-ops.js';
import { tf } from '../tf/tf.js';
import { custom } from './linear.js';

function convProduct(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const [m, k, g] = a.shape;
  const n = b.shape[2];
  const image = tf.reshape(a, [1, m * k, 1, g]) as tf.Tensor4D;
  const filter = tf.reshape(b, [k, 1, g, n]) as tf.Tensor4D;
  return tf.reshape(tf.depthwiseConv2d(image, filter, [k, 1], 'valid'), [m, g, n]);
}

/** c [M, G, N] from a [M, K, G] and b [K, G, N] (see above), with gradients as the same kind of product. */
export const groupedMatMul = custom<tf.Tensor3D>((a: tf.Tensor3D, b: tf.Tensor3D, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: convProduct(a, b),
    gradFunc: (dc: tf.Tensor3D, saved: tf.Tensor[]) => {
      const [a, b] = saved as [tf.Tensor3D, tf.Tensor3D];
      // da[m, k, g] = Σ_n dc[m, g, n] · b[k, g, n]: dc as [M, N, G] times b as [N, G, K], then back to [M, K, G].
      const da = transposeFast(convProduct(transposeFast(dc, [0, 2, 1]), transposeFast(b, [2, 1, 0])), [0, 2, 1]);
      // db[k, g, n] = Σ_m a[m, k, g] · dc[m, g, n]: a as [K, M, G] times dc as it is.
      const db = convProduct(transposeFast(a, [1, 0, 2]), dc);
      return [da, db];
    },
  };
});
