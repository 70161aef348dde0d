// AdamW's whole update for every variable as one kernel on the wasm and cpu backends. As tf ops it
// is about fifteen kernels per variable, each a pass over the data and a round of tfjs bookkeeping
// that costs more than the arithmetic. The loop below does the same float32 operations in the same
// order: each JS double result is rounded with Math.fround, and for +, −, ×, ÷ and √ of float32
// operands a double result rounded to float32 is the correctly rounded float32 result, so the values
// are bit-identical to the op sequence (see adamw.ts).
import { adamwSimd } from './adamw-simd.js';
import { registerWasmKernel, type Values, type WasmTensorInfo } from './js-kernels.js';
import { tf } from './tf.js';
import { backendMemory, type WasmMemory } from './wasm-simd.js';

const JS_ADAMW = 'JsAdamW';

/** Scalars of one step; each is rounded to float32 where it is used, as tf ops do with scalar operands. */
export interface AdamWScalars {
  readonly beta1: number;
  readonly beta2: number;
  /** 1 − beta1^step and 1 − beta2^step. */
  readonly correction1: number;
  readonly correction2: number;
  readonly epsilon: number;
  readonly learningRate: number;
}

interface AdamWAttrs extends AdamWScalars {
  /** Weight decay per variable (0: none). */
  readonly decays: readonly number[];
}

const f = Math.fround;

/** b1, 1 − b1, b2, 1 − b2, c1, c2, eps, lr and the decay factor 1 − lr·decay (1 without decay), as float32. */
function roundedScalars(s: AdamWScalars, decay: number): number[] {
  const keep = decay > 0 ? f(1 - s.learningRate * decay) : 1;
  return [s.beta1, 1 - s.beta1, s.beta2, 1 - s.beta2, s.correction1, s.correction2, s.epsilon, s.learningRate].map(f).concat(keep);
}

/** One variable's update: w, m, v are read from `w`, `m`, `v` and written to the outputs (which may be the same arrays). */
export function adamwValues(
  w: Values,
  m: Values,
  v: Values,
  g: Values,
  s: AdamWScalars,
  decay: number,
  out: { readonly w: Values; readonly m: Values; readonly v: Values },
): void {
  const [b1, a1, b2, a2, c1, c2, eps, lr, keep] = roundedScalars(s, decay) as [number, number, number, number, number, number, number, number, number];
  const { w: outW, m: outM, v: outV } = out;
  // w·1 is w: without decay the product changes nothing, as the op sequence, which skips it.
  for (let i = 0; i < g.length; i++) {
    const grad = g[i] as number;
    const mi = f(f((m[i] as number) * b1) + f(grad * a1));
    const vi = f(f((v[i] as number) * b2) + f(f(grad * grad) * a2));
    const update = f(f(mi / c1) / f(f(Math.sqrt(f(vi / c2))) + eps));
    outM[i] = mi;
    outV[i] = vi;
    outW[i] = f((w[i] as number) * keep) - f(update * lr);
  }
}

/** adamwValues over the wasm heap: groups of four with SIMD where it is available, the rest in JS. */
function adamwHeap(memory: WasmMemory | undefined, views: Values[], s: AdamWScalars, decay: number): void {
  const [w, m, v, g, outW, outM, outV] = views as [Values, Values, Values, Values, Values, Values, Values];
  const simd = memory && views.every((view) => view.buffer === memory.buffer) ? adamwSimd(memory) : null;
  const n = g.length;
  const done = simd ? n - (n % 4) : 0;
  if (simd && done > 0) simd(...views.map((view) => view.byteOffset), n, ...roundedScalars(s, decay));
  if (done === n) return;
  const rest = (view: Values) => view.subarray(done);
  adamwValues(rest(w), rest(m), rest(v), rest(g), s, decay, { w: rest(outW), m: rest(outM), v: rest(outV) });
}

interface CpuBackendApi {
  readonly data: { get(dataId: object): { values?: unknown } | undefined };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Values): tf.TensorInfo;
}

type Inputs = Record<string, WasmTensorInfo>;

function tensorsOf(inputs: Inputs, count: number): WasmTensorInfo[][] {
  return Array.from({ length: count }, (_, i) => ['w', 'm', 'v', 'g'].map((part) => inputs[`${part}${i}`] as WasmTensorInfo));
}

/** Registers JsAdamW for wasm and cpu, once per process. */
export function registerAdamWKernel(): void {
  if (tf.getKernel(JS_ADAMW, 'cpu')) return;
  registerWasmKernel<AdamWAttrs>(JS_ADAMW, {
    outputs: (inputs, a) => tensorsOf(inputs, a.decays.length).flatMap(([w]) => [0, 1, 2].map(() => [w!.shape, 'float32'] as const)),
    fill: (views, outputs, a, _inputs, backend) => {
      const memory = backendMemory(backend);
      a.decays.forEach((decay, i) => {
        const group = ['w', 'm', 'v', 'g'].map((part) => views[`${part}${i}`] as Values);
        adamwHeap(memory, [...group, ...outputs.slice(3 * i, 3 * i + 3)], a, decay);
      });
    },
  });
  tf.registerKernel({
    kernelName: JS_ADAMW,
    backendName: 'cpu',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const cpu = backend as unknown as CpuBackendApi;
      const a = attrs as unknown as AdamWAttrs;
      const groups = tensorsOf(inputs as unknown as Inputs, a.decays.length);
      return groups.flatMap((group, i) => {
        const [w, m, v, g] = group.map((t) => cpu.data.get(t.dataId)?.values as Values) as [Values, Values, Values, Values];
        const out = { w: new Float32Array(g.length), m: new Float32Array(g.length), v: new Float32Array(g.length) };
        adamwValues(w, m, v, g, a, a.decays[i] ?? 0, out);
        const shape = group[0]!.shape;
        return [out.w, out.m, out.v].map((values) => cpu.makeTensorInfo(shape, 'float32', values));
      });
    },
  });
}

export interface AdamWSlot {
  readonly weight: tf.Tensor;
  readonly m: tf.Tensor;
  readonly v: tf.Tensor;
  readonly grad: tf.Tensor;
  readonly decay: number;
}

/** Whether the active backend runs JsAdamW (every float32 tensor there keeps its values where the kernel reads them). */
export function fusedAdamWAvailable(): boolean {
  const backend = tf.getBackend();
  return (backend === 'wasm' || backend === 'cpu') && tf.getKernel(JS_ADAMW, backend) !== undefined;
}

/** The next weight, m and v of every slot, from one JsAdamW kernel. */
export function adamwStep(slots: readonly AdamWSlot[], scalars: AdamWScalars): [tf.Tensor, tf.Tensor, tf.Tensor][] {
  if (slots.length === 0) return [];
  const inputs: Record<string, tf.Tensor> = {};
  slots.forEach((slot, i) => {
    for (const t of [slot.weight, slot.m, slot.v, slot.grad]) {
      if (t.dtype !== 'float32' || t.size !== slot.weight.size) throw new Error('adamwStep: weight, moments and gradient must be float32 of one shape');
    }
    Object.assign(inputs, { [`w${i}`]: slot.weight, [`m${i}`]: slot.m, [`v${i}`]: slot.v, [`g${i}`]: slot.grad });
  });
  const attrs = { ...scalars, decays: slots.map((slot) => slot.decay) };
  const outputs = tf.engine().runKernel(JS_ADAMW, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
  const list = Array.isArray(outputs) ? outputs : [outputs];
  return slots.map((_, i) => [list[3 * i], list[3 * i + 1], list[3 * i + 2]] as [tf.Tensor, tf.Tensor, tf.Tensor]);
}
