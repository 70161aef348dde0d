// Data-movement kernels for the wasm backend, written in JS over the wasm heap. tfjs-wasm 4.22
// moves data element by element with generic index arithmetic: a [B, S, heads, dh] transpose or
// a 16k-row embedding gather costs milliseconds there, tens of times more than these loops. They
// only copy values, so results are bit-identical to tf.transpose / tf.gather.
import { tf } from './tf.js';

export const JS_TRANSPOSE = 'JsTranspose';
export const JS_GATHER_ROWS = 'JsGatherRows';
export const JS_UNSTACK = 'JsUnstack';

/** What the wasm backend's heap views hold, and the parts of its API the JS kernels use. */
export type Values = Float32Array | Int32Array | Uint8Array;

export interface WasmTensorInfo {
  readonly dataId: object;
  readonly shape: number[];
  readonly dtype: tf.DataType;
}

interface WasmBackendApi {
  makeOutput(shape: number[], dtype: tf.DataType): WasmTensorInfo;
  typedArrayFromHeap(info: WasmTensorInfo): Values;
}

function transposedShape(shape: readonly number[], perm: readonly number[]): number[] {
  return perm.map((axis) => shape[axis] as number);
}

const BLOCK = 32;

/** out = x transposed by perm (x row-major with the given shape). */
function transposeValues(x: Values, shape: readonly number[], perm: readonly number[], out: Values): void {
  if (x.length === 0) return;
  // Merge axes that stay adjacent and in order: [B, S, nh, dh] → [B, nh, S, dh] becomes a move of
  // dh-long runs, [R, C] → [C, R] a plain 2-D transpose.
  const dims: number[] = [];
  const order: number[] = [];
  for (let i = 0; i < perm.length; i++) {
    const axis = perm[i] as number;
    if (i > 0 && axis === (perm[i - 1] as number) + 1) dims[order[order.length - 1] as number]! *= shape[axis] as number;
    else {
      order.push(axis);
      dims[axis] = shape[axis] as number;
    }
  }
  const kept = [...order].sort((a, b) => a - b);
  const inShape = kept.map((axis) => dims[axis] as number);
  const outAxes = order.map((axis) => kept.indexOf(axis)); // output axis i reads input axis outAxes[i]
  const rank = inShape.length;
  if (rank === 1) {
    out.set(x);
    return;
  }
  const inStrides = new Array<number>(rank).fill(1);
  for (let axis = rank - 2; axis >= 0; axis--) inStrides[axis] = (inStrides[axis + 1] as number) * (inShape[axis + 1] as number);
  const outShape = outAxes.map((axis) => inShape[axis] as number);
  const outStrides = new Array<number>(rank).fill(1);
  for (let axis = rank - 2; axis >= 0; axis--) outStrides[axis] = (outStrides[axis + 1] as number) * (outShape[axis + 1] as number);
  // Two axes are walked in tiles: the output's last one (a run of the output) and the one that is the
  // input's last (a run of the input), so that both reads and writes are short contiguous runs.
  // When the last axis stays last, runs are copied whole (one "column").
  const rowAxis = rank - 1;
  const colAxis = outAxes.indexOf(rank - 1);
  const runs = colAxis === rowAxis;
  const rows = outShape[rowAxis] as number;
  const cols = runs ? 1 : (outShape[colAxis] as number);
  const rowInStride = inStrides[outAxes[rowAxis] as number] as number;
  const colOutStride = runs ? 0 : (outStrides[colAxis] as number);
  const others = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== rowAxis && i !== colAxis);
  const index = new Array<number>(others.length).fill(0);
  const count = x.length / (rows * cols);
  let from = 0;
  let to = 0;
  for (let n = 0; n < count; n++) {
    if (runs) copyRun(x, from, out, to, rows);
    else for (let c0 = 0; c0 < cols; c0 += BLOCK) {
      const c1 = Math.min(c0 + BLOCK, cols);
      for (let r0 = 0; r0 < rows; r0 += BLOCK) {
        const r1 = Math.min(r0 + BLOCK, rows);
        for (let c = c0; c < c1; c++) {
          const write = to + c * colOutStride;
          const read = from + c;
          for (let r = r0; r < r1; r++) out[write + r] = x[read + r * rowInStride] as number;
        }
      }
    }
    for (let k = others.length - 1; k >= 0; k--) {
      const axis = others[k] as number;
      const inStride = inStrides[outAxes[axis] as number] as number;
      from += inStride;
      to += outStrides[axis] as number;
      if (++(index[k] as number) < (outShape[axis] as number)) break;
      from -= inStride * (outShape[axis] as number);
      to -= (outStrides[axis] as number) * (outShape[axis] as number);
      index[k] = 0;
    }
  }
}

/** out[to…to+length) = x[from…from+length); long runs as one bulk copy, short ones in a loop. */
function copyRun(x: Values, from: number, out: Values, to: number, length: number): void {
  if (length >= 64) out.set(x.subarray(from, from + length), to);
  else for (let i = 0; i < length; i++) out[to + i] = x[from + i] as number;
}

/** out[i, :] = table[ids[i], :]; an id outside [0, rows) is an error, as in tf.gather. */
function gatherRowsValues(table: Values, rows: number, rowSize: number, ids: ArrayLike<number>, out: Values): void {
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i] as number;
    if (!(id >= 0 && id < rows)) throw new Error(`gatherRows: index ${id} is not in [0, ${rows - 1}]`);
    const from = id * rowSize;
    const to = i * rowSize;
    for (let j = 0; j < rowSize; j++) out[to + j] = table[from + j] as number;
  }
}

/** outs[i] = x[..., i, ...] along `axis` (x row-major with the given shape). */
function unstackValues(x: Values, shape: readonly number[], axis: number, outs: readonly Values[]): void {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const count = shape[axis] as number;
  outs.forEach((out, i) => {
    for (let o = 0; o < outer; o++) {
      const from = (o * count + i) * inner;
      if (inner === 1) out[o] = x[from] as number;
      else out.set(x.subarray(from, from + inner), o * inner);
    }
  });
}

function inversePermutation(perm: readonly number[]): number[] {
  const inverse = new Array<number>(perm.length);
  perm.forEach((axis, i) => (inverse[axis] = i));
  return inverse;
}

/** 4-byte values as Int32Array, so that the copy loops see one array type and copy bits exactly. */
function bits(values: Values): Values {
  return values instanceof Float32Array ? new Int32Array(values.buffer, values.byteOffset, values.length) : values;
}

export type OutputSpec = readonly [shape: number[], dtype: tf.DataType];

/**
 * Registers a wasm kernel written in JS. Every output is made first, because makeOutput may grow
 * the heap and so detach earlier views; then `fill` gets heap views of the inputs and outputs.
 * The kernel returns a single tensor when `outputs` gives one spec and `single` is set.
 */
export function registerWasmKernel<A>(
  kernelName: string,
  kernel: {
    readonly single?: boolean;
    outputs(inputs: Readonly<Record<string, WasmTensorInfo>>, attrs: A): readonly OutputSpec[];
    fill(views: Readonly<Record<string, Values>>, outputs: readonly Values[], attrs: A, inputs: Readonly<Record<string, WasmTensorInfo>>, backend: unknown): void;
  },
): void {
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const wasm = backend as unknown as WasmBackendApi;
      const infos = inputs as unknown as Record<string, WasmTensorInfo>;
      const made = kernel.outputs(infos, attrs as unknown as A).map(([shape, dtype]) => wasm.makeOutput(shape, dtype));
      const views = Object.fromEntries(Object.entries(infos).map(([name, info]) => [name, wasm.typedArrayFromHeap(info)]));
      kernel.fill(views, made.map((out) => wasm.typedArrayFromHeap(out)), attrs as unknown as A, infos, backend);
      return (kernel.single ? made[0] : made) as unknown as tf.TensorInfo | tf.TensorInfo[];
    },
  });
}

/** Registers the kernels for wasm, and their gradients, once per process. */
export function registerJsKernels(): void {
  if (tf.getKernel(JS_TRANSPOSE, 'wasm')) return;
  registerWasmKernel<{ perm: number[] }>(JS_TRANSPOSE, {
    single: true,
    outputs: ({ x }, { perm }) => [[transposedShape(x!.shape, perm), x!.dtype]],
    fill: ({ x }, [out], { perm }, inputs) => transposeValues(bits(x!), inputs['x']!.shape, perm, bits(out!)),
  });
  registerWasmKernel<{ numRows: number }>(JS_GATHER_ROWS, {
    single: true,
    outputs: ({ table, indices }) => [[[...indices!.shape, ...table!.shape.slice(1)], table!.dtype]],
    fill: ({ table, indices }, [out], _attrs, inputs) => {
      const shape = inputs['table']!.shape;
      gatherRowsValues(table!, shape[0] ?? 0, shape.slice(1).reduce((a, b) => a * b, 1), indices!, out!);
    },
  });
  registerWasmKernel<{ axis: number }>(JS_UNSTACK, {
    outputs: ({ value }, { axis }) => Array.from({ length: value!.shape[axis] ?? 0 }, () => [value!.shape.filter((_, i) => i !== axis), value!.dtype] as const),
    fill: ({ value }, outs, { axis }, inputs) => unstackValues(value!, inputs['value']!.shape, axis, [...outs]),
  });
  tf.registerGradient({
    kernelName: JS_UNSTACK,
    gradFunc: (dy, _saved, attrs) => {
      const axis = (attrs as unknown as { axis: number }).axis;
      return { value: () => tf.stack(Array.isArray(dy) ? dy : [dy], axis) };
    },
  });
  tf.registerGradient({
    kernelName: JS_TRANSPOSE,
    gradFunc: (dy, _saved, attrs) => {
      const inverse = inversePermutation((attrs as unknown as { perm: number[] }).perm);
      return { x: () => tf.engine().runKernel(JS_TRANSPOSE, { x: dy as tf.Tensor }, { perm: inverse }) as tf.Tensor };
    },
  });
  tf.registerGradient({
    kernelName: JS_GATHER_ROWS,
    inputsToSave: ['indices'],
    // The gradient of tf.gather on axis 0: a segment sum of the output rows by index.
    gradFunc: (dy, saved, attrs) => {
      const [indices] = saved as [tf.Tensor];
      const numRows = (attrs as unknown as { numRows: number }).numRows;
      const gradient = dy as tf.Tensor;
      const rowShape = gradient.shape.slice(indices.rank);
      const rowSize = rowShape.reduce((a, b) => a * b, 1);
      const rows = tf.reshape(gradient, [indices.size, rowSize]);
      return {
        table: () => tf.reshape(tf.unsortedSegmentSum(rows, tf.reshape(indices, [-1]), numRows), [numRows, ...rowShape]),
        indices: () => tf.zerosLike(indices),
      };
    },
  });
}
