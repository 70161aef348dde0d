// AdamW's update as a small WebAssembly SIMD function over the wasm backend's own memory. The
// JS loop of adamw-kernel.ts is bound by its scalar divisions and square roots; f32x4 does four at a
// time. Each f32x4 operation is IEEE float32 arithmetic per lane, the same rounding as the JS loop
// and as the tf ops, in the same order, so the results are bit-identical to both.
//
// (func (param w m v g outW outM outV n i32) (param b1 a1 b2 a2 c1 c2 eps lr keep f32))
// updates the first n − n mod 4 elements (pointers are byte offsets into the imported memory):
//   m' = m·b1 + g·a1;  v' = v·b2 + (g·g)·a2;  w' = w·keep − ((m' / c1) / (√(v' / c2) + eps))·lr

import { F32, I32, V128, functionPerMemory, get, moduleBytes, set, simd, type WasmFunction, type WasmMemory } from './wasm-simd.js';

export { WebAssembly, type WasmMemory } from './wasm-simd.js';

// Parameter and local indices.
const [W, M, V, G, OUT_W, OUT_M, OUT_V, N] = [0, 1, 2, 3, 4, 5, 6, 7];
const SCALARS = 8; // b1, a1, b2, a2, c1, c2, eps, lr, keep: params 8…16, their splats locals 19…27
const [I, END] = [17, 18];
const SPLAT = 19;
const [B1, A1, B2, A2, C1, C2, EPS, LR, KEEP] = [19, 20, 21, 22, 23, 24, 25, 26, 27] as const;
const [GRAD, M_NEXT, V_NEXT] = [28, 29, 30];

const load = (pointer: number): number[] => [...get(pointer), ...get(I), 0x6a, ...simd(0x00), 0, 0];
const store = (pointer: number, value: number[]): number[] => [...get(pointer), ...get(I), 0x6a, ...value, ...simd(0x0b), 0, 0];
const [SPLAT_OP, SQRT, ADD, SUB, MUL, DIV] = [0x13, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7];

function body(): number[] {
  const code: number[] = [];
  for (let s = 0; s < 9; s++) code.push(...get(SCALARS + s), ...simd(SPLAT_OP), ...set(SPLAT + s));
  // end = (n · 4) & −16: the byte offset after the last whole group of four.
  code.push(...get(N), 0x41, 2, 0x74, 0x41, 0x70, 0x71, ...set(END));
  code.push(0x02, 0x40, 0x03, 0x40); // block, loop
  code.push(...get(I), ...get(END), 0x4f, 0x0d, 1); // i >= end: br_if block
  code.push(...load(G), ...set(GRAD));
  code.push(...load(M), ...get(B1), ...simd(MUL), ...get(GRAD), ...get(A1), ...simd(MUL), ...simd(ADD), ...set(M_NEXT));
  code.push(...load(V), ...get(B2), ...simd(MUL), ...get(GRAD), ...get(GRAD), ...simd(MUL), ...get(A2), ...simd(MUL), ...simd(ADD), ...set(V_NEXT));
  code.push(...store(OUT_M, get(M_NEXT)), ...store(OUT_V, get(V_NEXT)));
  const update = [...get(M_NEXT), ...get(C1), ...simd(DIV), ...get(V_NEXT), ...get(C2), ...simd(DIV), ...simd(SQRT), ...get(EPS), ...simd(ADD), ...simd(DIV)];
  code.push(...store(OUT_W, [...load(W), ...get(KEEP), ...simd(MUL), ...update, ...get(LR), ...simd(MUL), ...simd(SUB)]));
  code.push(...get(I), 0x41, 16, 0x6a, ...set(I), 0x0c, 0); // i += 16; br loop
  code.push(0x0b, 0x0b, 0x0b); // end loop, end block, end function
  return code;
}

const PARAMS = [...new Array<number>(8).fill(I32), ...new Array<number>(9).fill(F32)];
const LOCALS = [[2, I32], [12, V128]] as const;

/** The function over `memory`, or null where WebAssembly SIMD is not available. */
export const adamwSimd: (memory: WasmMemory) => WasmFunction | null = functionPerMemory('adamw', () => moduleBytes('adamw', PARAMS, LOCALS, body()));
