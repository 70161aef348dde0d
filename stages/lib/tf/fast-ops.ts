// tf.transpose, tf.gather, tf.unstack and tf.stack with the same results and gradients, routed to
// the JS kernels of js-kernels.ts on the wasm backend and to the stock ops everywhere else.
import { JS_GATHER_ROWS, JS_TRANSPOSE, JS_UNSTACK } from './js-kernels.js';
import { tf } from './tf.js';

function jsKernels(name: string): boolean {
  return tf.getBackend() === 'wasm' && tf.getKernel(name, 'wasm') !== undefined;
}

export function transposeFast<T extends tf.Tensor>(x: T, perm?: readonly number[]): T {
  const order = perm ? [...perm] : Array.from({ length: x.rank }, (_, i) => x.rank - 1 - i);
  if (!jsKernels(JS_TRANSPOSE)) return tf.transpose(x, order);
  return tf.engine().runKernel(JS_TRANSPOSE, { x }, { perm: order }) as T;
}

/** tf.gather(table, indices) on axis 0: [...indices.shape, ...table.shape.slice(1)]. */
export function gatherRows(table: tf.Tensor, indices: tf.Tensor): tf.Tensor {
  if (!jsKernels(JS_GATHER_ROWS)) return tf.gather(table, indices);
  return tf.engine().runKernel(JS_GATHER_ROWS, { table, indices }, { numRows: table.shape[0] ?? 0 }) as tf.Tensor;
}

export function unstackFast(x: tf.Tensor, axis = 0): tf.Tensor[] {
  if (!jsKernels(JS_UNSTACK)) return tf.unstack(x, axis);
  const outputs = tf.engine().runKernel(JS_UNSTACK, { value: x }, { axis }) as tf.Tensor | tf.Tensor[];
  return Array.isArray(outputs) ? outputs : [outputs];
}

const stackWithFastGradient = (axis: number) =>
  tf.customGrad(((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const tensors = args.slice(0, -1) as tf.Tensor[];
    return { value: tf.stack(tensors, axis), gradFunc: (dy: tf.Tensor) => unstackFast(dy, axis) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);

/** tf.stack, whose gradient (an unstack) tfjs-wasm would run as one slice per output over a copy of the whole input. */
export function stackFast(tensors: readonly tf.Tensor[], axis = 0): tf.Tensor {
  if (!jsKernels(JS_UNSTACK)) return tf.stack([...tensors], axis);
  return stackWithFastGradient(axis)(...tensors);
}
