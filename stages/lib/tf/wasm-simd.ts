// What the hand-assembled WebAssembly SIMD functions (adamw-simd.ts, column-sum.ts) share: the
// byte encoding of a one-function module that imports the wasm backend's memory, and one instance
// per memory, so that the function reads and writes the backend's tensors in place.

export const I32 = 0x7f;
export const F32 = 0x7d;
export const V128 = 0x7b;

export const get = (index: number): number[] => [0x20, index];
export const set = (index: number): number[] => [0x21, index];
export const simd = (op: number): number[] => [0xfd, ...(op < 0x80 ? [op] : [(op & 0x7f) | 0x80, op >> 7])];

export function leb(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n !== 0) byte |= 0x80;
    out.push(byte);
  } while (n !== 0);
  return out;
}

const section = (id: number, content: number[]): number[] => [id, ...leb(content.length), ...content];
const name = (text: string): number[] => [text.length, ...Array.from(text, (c) => c.charCodeAt(0))];

/** A module importing env.memory and exporting `fn`: params, locals as [count, type] groups, and body (ending with the function's `end`). */
export function moduleBytes(fn: string, params: readonly number[], locals: readonly (readonly [number, number])[], body: readonly number[]): Uint8Array {
  const code = [locals.length, ...locals.flat(), ...body];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, [1, 0x60, params.length, ...params, 0]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 0x00]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...name(fn), 0x00, 0]),
    ...section(10, [1, ...leb(code.length), ...code]),
  ]);
}

/** The parts of the WebAssembly API used here (the compiler's libraries here do not declare it). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Memory: abstract new (...args: never[]) => WasmMemory;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: Record<string, unknown> };
}
export const WebAssembly = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

export type WasmFunction = (...args: number[]) => void;

/** For one module: its function over a given memory, or null where WebAssembly SIMD (or that memory) is not usable. */
export function functionPerMemory(fn: string, bytes: () => Uint8Array): (memory: WasmMemory) => WasmFunction | null {
  const instances = new WeakMap<WasmMemory, WasmFunction | null>();
  return (memory) => {
    if (instances.has(memory)) return instances.get(memory) ?? null;
    let f: WasmFunction | null = null;
    try {
      f = new WebAssembly.Instance(new WebAssembly.Module(bytes()), { env: { memory } }).exports[fn] as WasmFunction;
    } catch {
      f = null;
    }
    instances.set(memory, f);
    return f;
  };
}

/** The wasm backend's WebAssembly.Memory, where the module object exposes it. */
export function backendMemory(backend: unknown): WasmMemory | undefined {
  const module = (backend as { wasm?: { asm?: Record<string, unknown>; wasmMemory?: unknown } }).wasm;
  const memory = module?.asm?.['memory'] ?? module?.wasmMemory;
  return memory instanceof WebAssembly.Memory ? memory : undefined;
}
