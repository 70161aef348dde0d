// Ops whose gradients keep only shapes or one mask. On the gradient tape tfjs saves a copy of every
// input of Reshape, Add, Sub and Mul (an Identity kernel and a full copy each, only for the shapes),
// and tf.dropout tapes four ops and six copies; these compute the same values and gradients.
import { tf } from '../tf/tf.js';
import { dropoutMultiplierValues } from '../tf/uniform.js';
import { custom, sumRows } from './linear.js';

/** tf.reshape whose gradient reshapes back without having saved the input. */
export function view<T extends tf.Tensor>(x: tf.Tensor, shape: readonly number[]): T {
  const inputShape = x.shape;
  return custom<T>((input: tf.Tensor) => ({
    value: tf.reshape(input, [...shape]) as T,
    gradFunc: (dy: tf.Tensor) => [tf.reshape(dy, inputShape)],
  }))(x);
}

/** tf.concat whose gradient splits dy by the inputs' sizes without having saved the inputs. */
export function concat(tensors: readonly tf.Tensor[], axis: number): tf.Tensor {
  const sizes = tensors.map((t) => t.shape[axis] as number);
  return custom((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: tf.concat(inputs.slice(0, -1) as tf.Tensor[], axis),
    gradFunc: (dy: tf.Tensor) => tf.split(dy, sizes, axis),
  }))(...tensors);
}

/** a + b, where b has a's shape or a trailing part of it (broadcast over a's leading axes). */
export function addTo(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const [aShape, bShape] = [a.shape, b.shape];
  if (bShape.length > aShape.length || bShape.some((n, i) => n !== aShape[aShape.length - bShape.length + i])) {
    throw new Error(`addTo: cannot broadcast [${bShape}] onto [${aShape}]`);
  }
  return custom((x: tf.Tensor, y: tf.Tensor) => ({
    value: tf.add(x, y),
    gradFunc: (dy: tf.Tensor) => [
      tf.reshape(dy, aShape),
      bShape.length === aShape.length ? tf.reshape(dy, bShape) : tf.reshape(sumRows(tf.reshape(dy, [-1, b.size]) as tf.Tensor2D), bShape),
    ],
  }))(a, b);
}

/**
 * tf.dropout(x, rate, undefined, seed): the same multiplier, ⌊u + keep⌋ / keep for u uniform in
 * [0, 1) drawn with the seed, and the same product; only the multiplier is saved for the gradient.
 * The multiplier is computed in one loop (uniform.ts) rather than as randomUniform, Add, Floor, RealDiv.
 */
export function dropout(x: tf.Tensor, rate: number, seed: number): tf.Tensor {
  const keep = 1 - rate;
  return custom((input: tf.Tensor, save: tf.GradSaveFunc) => {
    const multiplier = tf.tensor(dropoutMultiplierValues(input.size, keep, seed), input.shape, 'float32');
    save([multiplier]);
    return {
      value: tf.mul(input, multiplier),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[0] as tf.Tensor)],
    };
  })(x);
}
