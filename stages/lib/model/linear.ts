// Matrix products with hand-written gradients. The wasm backend runs a product on XNNPACK only
// when neither operand is transposed and there is no batch dimension; every other form (such as
// the dy·Wᵀ and xᵀ·dy of tfjs's own matMul gradient) falls back to a scalar loop about ten times
// slower. These gradients transpose operands explicitly, so all three products of a dense layer
// (forward, input gradient, weight gradient) take the fast path. Same values up to float rounding.
//
// XNNPACK keeps the right-hand operand packed in a cache keyed by its tensor data alone, not by its
// shape, so data seen as [R, N] in one product and, through a reshape, as [R', N'] in another
// would reuse the wrong packing (wrong sums, or an abort). Right-hand operands here are therefore
// only weights, saved copies or tensors made for that product (a copy costs far less than a
// transpose), never an incoming gradient itself.
import { columnSum } from '../tf/column-sum.js';
import { transposeFast } from '../tf/fast-ops.js';
import { tf } from '../tf/tf.js';

type Forward = (...args: never[]) => { value: tf.Tensor; gradFunc: (dy: never, saved: tf.Tensor[]) => tf.Tensor[] };

/** tf.customGrad with typed tensor arguments (its own typing only admits Tensor | GradSaveFunc). */
export function custom<T extends tf.Tensor>(f: Forward): (...inputs: tf.Tensor[]) => T {
  return tf.customGrad(f as unknown as Parameters<typeof tf.customGrad<T>>[0]) as (...inputs: tf.Tensor[]) => T;
}

// Other backends multiply transposed operands natively: they get the plain transposed products.
const onWasm = (): boolean => tf.getBackend() === 'wasm';

/** Σ over rows of x [R, N]: on wasm one JsColumnSum kernel (column-sum.ts), bit-identical to ones[1, R]·x; tf.sum(x, 0) elsewhere. */
export function sumRows(x: tf.Tensor2D): tf.Tensor1D {
  return columnSum(x);
}

/**
 * xᵀ·dy [K, N] for x [R, K] (a saved copy), transposing the smaller of x and dy on wasm, and, with
 * `bias`, Σ rows of dy.
 */
function weightGradients(x: tf.Tensor2D, dy: tf.Tensor2D, bias: boolean): { kernel: tf.Tensor2D; bias?: tf.Tensor1D } {
  const k = x.shape[1];
  const n = dy.shape[1];
  const sum = bias ? columnSum(dy) : undefined;
  if (!onWasm()) return { kernel: tf.matMul(x, dy, true, false), bias: sum };
  if (k <= n) return { kernel: tf.matMul(transposeFast(x), tf.clone(dy)), bias: sum };
  return { kernel: transposeFast(tf.matMul(transposeFast(dy), x)), bias: sum };
}

function inputGradient(dy: tf.Tensor2D, kernel: tf.Tensor2D): tf.Tensor2D {
  return onWasm() ? tf.matMul(dy, transposeFast(kernel)) : tf.matMul(dy, kernel, false, true);
}

const product = custom<tf.Tensor2D>((a: tf.Tensor2D, b: tf.Tensor2D, save: tf.GradSaveFunc) => {
  save([a, b]);
  return {
    value: tf.matMul(a, b),
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [a, b] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [inputGradient(dy, b), weightGradients(a, dy, false).kernel];
    },
  };
});

const affine = (activation: 'linear' | 'relu') =>
  custom<tf.Tensor>((x: tf.Tensor, kernel: tf.Tensor2D, bias: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const rows = tf.reshape(x, [-1, kernel.shape[0]]) as tf.Tensor2D;
    const z = tf.fused.matMul({ a: rows, b: kernel, bias }) as tf.Tensor2D;
    const y = activation === 'relu' ? (tf.relu(z) as tf.Tensor2D) : z;
    save(activation === 'relu' ? [rows, kernel, y] : [rows, kernel]);
    return {
      value: tf.reshape(y, [...x.shape.slice(0, -1), kernel.shape[1]]),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [rows, kernel, y] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D | undefined];
        let dz = tf.reshape(dy, [-1, kernel.shape[1]]) as tf.Tensor2D;
        // Relu's gradient: dy where the input was > 0, which is exactly where the output is > 0.
        if (y) dz = tf.mul(dz, tf.step(y));
        const gradients = weightGradients(rows, dz, true);
        return [tf.reshape(inputGradient(dz, kernel), x.shape), gradients.kernel, gradients.bias as tf.Tensor1D];
      },
    };
  });

const affineLinear = affine('linear');
const affineRelu = affine('relu');

/** a [R, K] · b [K, N]. */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return product(a, b);
}

/** x [..., K] · kernel [K, N] + bias [N] → [..., N], optionally followed by Relu. */
export function linear(x: tf.Tensor, kernel: tf.Tensor2D, bias: tf.Tensor1D, activation: 'linear' | 'relu' = 'linear'): tf.Tensor {
  return activation === 'relu' ? affineRelu(x, kernel, bias) : affineLinear(x, kernel, bias);
}
