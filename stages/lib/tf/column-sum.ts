// Σ over the rows of a [R, N] float32 tensor as one kernel on the wasm backend, for the column sums
// of the gradients (bias, layer norm, broadcast add). As a product with a ones vector, ones[1, R]·X,
// a sum has XNNPACK pack X first (about 200 µs for [1024, 64], 800 µs for [1024, 256]), which only
// pays where the next product reuses that packing; this loop takes 15–50 µs.
//
// XNNPACK accumulates each output of those products in one float32 accumulator that starts at 0
// and adds 1·x (a separate, exact multiply, no fused multiply-add) for k = 0…R−1 in order. Adding
// the rows in that order to a zeroed output gives the same floats bit for bit (0 + −0 = +0
// included), for both forms, so trained weights do not change (test/ml/column-sum.test.ts).
import { registerWasmKernel } from './js-kernels.js';
import { tf } from './tf.js';
import { I32, backendMemory, functionPerMemory, get, moduleBytes, set, simd } from './wasm-simd.js';

export const JS_COLUMN_SUM = 'JsColumnSum';

// (func (param x out rows n i32)): out[c] += x[r, c] for r = 0…rows−1 in order, c = 0…n−1
// (pointers are byte offsets into the imported memory); four columns at a time with f32x4.add,
// the last n mod 4 with f32.add.
const [X, OUT, ROWS, N] = [0, 1, 2, 3];
const [ROW, END, C, VECTOR_END, ROW_BYTES] = [4, 5, 6, 7, 8];

const at = (pointer: number): number[] => [...get(pointer), ...get(C), 0x6a];
const [V128_LOAD, V128_STORE, F32X4_ADD] = [0x00, 0x0b, 0xe4];
const [F32_LOAD, F32_STORE, F32_ADD] = [0x2a, 0x38, 0x92];

/** A loop over c from its current value to `limit`, adding `step` bytes after each `body`. */
function columns(limit: number, step: number, body: number[]): number[] {
  const exit = [...get(C), ...get(limit), 0x4f, 0x0d, 1]; // c >= limit: br_if out of the block
  return [0x02, 0x40, 0x03, 0x40, ...exit, ...body, ...get(C), 0x41, step, 0x6a, ...set(C), 0x0c, 0, 0x0b, 0x0b];
}

function body(): number[] {
  const vector = [...at(OUT), ...at(OUT), ...simd(V128_LOAD), 0, 0, ...at(ROW), ...simd(V128_LOAD), 0, 0, ...simd(F32X4_ADD), ...simd(V128_STORE), 0, 0];
  const scalar = [...at(OUT), ...at(OUT), F32_LOAD, 0, 0, ...at(ROW), F32_LOAD, 0, 0, F32_ADD, F32_STORE, 0, 0];
  return [
    ...get(N), 0x41, 2, 0x74, ...set(ROW_BYTES), // n·4
    ...get(ROW_BYTES), 0x41, 0x70, 0x71, ...set(VECTOR_END), // (n·4) & −16
    ...get(X), ...set(ROW),
    ...get(X), ...get(ROWS), ...get(ROW_BYTES), 0x6c, 0x6a, ...set(END),
    0x02, 0x40, 0x03, 0x40,
    ...get(ROW), ...get(END), 0x4f, 0x0d, 1, // row >= end: done
    0x41, 0, ...set(C),
    ...columns(VECTOR_END, 16, vector),
    ...columns(ROW_BYTES, 4, scalar),
    ...get(ROW), ...get(ROW_BYTES), 0x6a, ...set(ROW),
    0x0c, 0, 0x0b, 0x0b,
    0x0b,
  ];
}

export const columnSumSimd = functionPerMemory('columnSum', () => moduleBytes('columnSum', [I32, I32, I32, I32], [[5, I32]], body()));

/** out[c] = Σ x[r, c] over r = 0…rows−1 in order, in float32 from 0: the SIMD function's sums, where it cannot run. */
export function columnSumValues(x: ArrayLike<number>, rows: number, n: number, out: Float32Array): void {
  out.fill(0);
  for (let r = 0; r < rows; r++) for (let c = 0; c < n; c++) out[c] = (out[c] as number) + (x[r * n + c] as number);
}

/** Registers JsColumnSum for wasm, once per process. */
export function registerColumnSumKernel(): void {
  if (tf.getKernel(JS_COLUMN_SUM, 'wasm')) return;
  registerWasmKernel<Record<string, never>>(JS_COLUMN_SUM, {
    single: true,
    outputs: ({ x }) => [[[x!.shape[1] ?? 0], 'float32']],
    fill: ({ x }, [out], _attrs, inputs, backend) => {
      const [rows = 0, n = 0] = inputs['x']!.shape;
      const values = out as Float32Array;
      const memory = backendMemory(backend);
      const fn = memory && x!.buffer === memory.buffer && values.buffer === memory.buffer ? columnSumSimd(memory) : null;
      if (!fn) return columnSumValues(x!, rows, n, values);
      values.fill(0);
      fn(x!.byteOffset, values.byteOffset, rows, n);
    },
  });
}

/** Σ over the rows of x [R, N]: JsColumnSum on wasm, tf.sum(x, 0) elsewhere. */
export function columnSum(x: tf.Tensor2D): tf.Tensor1D {
  if (tf.getBackend() !== 'wasm' || x.dtype !== 'float32') return tf.sum(x, 0);
  registerColumnSumKernel();
  return tf.engine().runKernel(JS_COLUMN_SUM, { x }, {}) as tf.Tensor1D;
}
