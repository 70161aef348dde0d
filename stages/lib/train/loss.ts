import { tf } from '../tf/tf.js';

/**
 * Weighted token cross-entropy: Σ w·(−log softmax(logits)[label]) / Σ w, where w is 0 at padding
 * and the tag's class weight (or 1) elsewhere.
 */
export function maskedCrossEntropy(logits: tf.Tensor3D, labels: tf.Tensor2D, tokenWeights: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const numTags = logits.shape[2];
    const logProbabilities = tf.logSoftmax(logits);
    const nll = tf.neg(tf.sum(tf.mul(tf.oneHot(labels, numTags), logProbabilities), 2));
    return tf.div(tf.sum(tf.mul(nll, tokenWeights)), tf.maximum(tf.sum(tokenWeights), 1e-8));
  });
}

/**
 * Inverse-frequency weights, count-balanced as (total / (tagsSeen · count))^power, so with
 * power 1 the average weight per training token is 1. Tags never seen in training get weight 1.
 */
export function inverseFrequencyWeights(tagIds: Iterable<number>, numTags: number, power = 1): Float32Array {
  const counts = new Array<number>(numTags).fill(0);
  let total = 0;
  for (const id of tagIds) {
    counts[id] = (counts[id] ?? 0) + 1;
    total++;
  }
  const seen = counts.filter((c) => c > 0).length;
  return Float32Array.from(counts, (count) => (count > 0 ? (total / (seen * count)) ** power : 1));
}
