// The wasm backend of tfjs 4.22 has no UnsortedSegmentSum kernel, which the gradient of
// `tf.gather` (embedding lookups) needs. This adds it as a plain JS kernel over the wasm heap:
// the op only scatters rows, so a JS loop is fast enough and sums in a fixed order (deterministic).
import { registerColumnSumKernel } from './column-sum.js';
import { registerJsKernels, registerWasmKernel, type Values } from './js-kernels.js';
import { tf } from './tf.js';

/** out[segmentIds[i], ...] += x[i, ...]; rows whose id is outside [0, numSegments) are dropped. */
export function unsortedSegmentSumValues(
  x: ArrayLike<number>,
  segmentIds: ArrayLike<number>,
  numSegments: number,
  rowSize: number,
  out: Values,
): void {
  out.fill(0);
  for (let row = 0; row < segmentIds.length; row++) {
    const segment = segmentIds[row] ?? -1;
    if (segment < 0 || segment >= numSegments) continue;
    const from = row * rowSize;
    const to = segment * rowSize;
    for (let j = 0; j < rowSize; j++) out[to + j] = (out[to + j] ?? 0) + (x[from + j] ?? 0);
  }
}

/**
 * tfjs-wasm's Identity copies its input, and tfjs runs it for every tensor the gradient tape keeps
 * for the backward pass (thousands a BiLSTM step). Tensors never change once made and the backend
 * counts references per data buffer, as its own Reshape relies on, so the clone shares the buffer.
 */
function shareDataInIdentity(): void {
  const copying = tf.getKernel('Identity', 'wasm');
  if (copying === undefined) return;
  tf.unregisterKernel('Identity', 'wasm');
  tf.registerKernel({
    kernelName: 'Identity',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs['x'] as tf.TensorInfo;
      if (x.dtype === 'string') return copying.kernelFunc(args);
      (args.backend as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
      return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
    },
  });
}

let registered = false;

/** Registers the missing wasm kernels, the JS data-movement kernels, JsColumnSum and a sharing Identity, once per process (idempotent). */
export function registerWasmKernels(): void {
  if (registered) return;
  registered = true;
  registerJsKernels();
  registerColumnSumKernel();
  shareDataInIdentity();
  const alreadyThere = tf.getKernelsForBackend('wasm').some((k) => k.kernelName === 'UnsortedSegmentSum');
  if (alreadyThere) return;
  registerWasmKernel<{ numSegments: number }>('UnsortedSegmentSum', {
    single: true,
    outputs: ({ x, segmentIds }, { numSegments }) => [[[Number(numSegments), ...x!.shape.slice(segmentIds!.shape.length)], x!.dtype]],
    fill: ({ x, segmentIds }, [out], { numSegments }, inputs) => {
      const rowSize = inputs['x']!.shape.slice(inputs['segmentIds']!.shape.length).reduce((a, b) => a * b, 1);
      unsortedSegmentSumValues(x!, segmentIds!, Number(numSegments), rowSize, out!);
    },
  });
}
