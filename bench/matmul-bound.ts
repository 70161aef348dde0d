// Upper bound on train-bench's fraction: the matrix products of one training step (same kernels,
// shapes, counts and order, recorded as the step runs them), replayed alone, warm, many times, and
// timed per CPU second against the 512³ reference in the same process. If a step did nothing but
// these products, its model GFLOP/s could not exceed the analytic FLOPs over their summed time.
//
// XNNPACK packs each new right-hand operand before multiplying, so each product is timed twice.
// "Packed once": the same operands every call, packed once, as for the 512³ reference; the most
// generous case. "Packed per call": a fresh copy of the right-hand operands (and bias) every call.
// In a real step almost every right-hand operand is new (the optimizer reassigns the weights, and
// gradients multiply new tensors), but one may be shared by two products, so the step's whole
// product sequence is also replayed with the recorded sharing: fresh where the step used a new
// tensor, reused where it reused one. (On wasm the bias, layer-norm and position sums run as
// JsColumnSum kernels, not as products with a ones vector, so they do not appear here.)
import { kernelFlops } from '../stages/lib/tf/kernel-profile.js';
import { alignColumns } from '../src/metrics/align-columns.js';
import { median } from './engine/timing.js';
import { tf } from '../stages/lib/tf/index.js';

const ROUNDS = 15;
const SAMPLE_MS = 4;
const MAX_CALLS = 200;
const REPLAY_MS = 100;
const KERNELS = ['BatchMatMul', '_FusedMatMul', 'DepthwiseConv2dNative'] as const;

interface Product {
  readonly key: string;
  readonly name: string;
  readonly inputShapes: readonly number[][];
  readonly outputShape: readonly number[];
  readonly phases: Set<number>;
  count: number;
  readonly flops: number;
  /** One side of the product is 1 wide: a bias, layer-norm or position sum, outside the analytic FLOP count. */
  readonly rowSum: boolean;
}

/** One product kernel of the step, in order, with an id per distinct right-hand operand (and bias) tensor. */
interface Recorded {
  readonly product: Product;
  readonly operandIds: readonly number[];
}

type Call = (inputs: readonly tf.Tensor[]) => tf.Tensor;
type KernelArgs = { inputs: Record<string, { dataId: object; shape: number[] } | null | undefined> };

/** Runs one step with the product kernels wrapped to note their shapes and which tensors they multiply. */
function recordStep(step: (mark: () => void) => void): { products: Product[]; sequence: Recorded[] } {
  const products = new Map<string, Product>();
  const sequence: Recorded[] = [];
  const ids = new Map<object, number>();
  let phase = 0;
  const originals = KERNELS.map((name) => tf.getKernel(name, tf.getBackend())!);
  for (const original of originals) {
    tf.unregisterKernel(original.kernelName, original.backendName);
    tf.registerKernel({
      ...original,
      kernelFunc: (args) => {
        const out = original.kernelFunc(args) as tf.TensorInfo;
        const inputs = Object.values((args as unknown as KernelArgs).inputs).filter((t) => t != null);
        const inputShapes = inputs.map((t) => [...t.shape]);
        const key = `${original.kernelName} ${inputShapes.map((s) => `[${s.join(',')}]`).join('·')}`;
        let product = products.get(key);
        if (!product) {
          const flops = kernelFlops(original.kernelName, inputShapes, out.shape);
          const n = original.kernelName === 'DepthwiseConv2dNative' ? (inputShapes[1]?.[3] ?? 0) : (out.shape.at(-1) ?? 0);
          const m = original.kernelName === 'DepthwiseConv2dNative' ? (out.shape[1] ?? 0) : (out.shape.at(-2) ?? 0);
          product = { key, name: original.kernelName, inputShapes, outputShape: out.shape, phases: new Set(), count: 0, flops, rowSum: m === 1 || n === 1 };
          products.set(key, product);
        }
        product.count += 1;
        product.phases.add(phase);
        const operandIds = inputs.slice(1).map((t) => ids.get(t.dataId) ?? (ids.set(t.dataId, ids.size), ids.size - 1));
        sequence.push({ product, operandIds });
        return out;
      },
    });
  }
  try {
    step(() => (phase += 1));
  } finally {
    for (const original of originals) {
      tf.unregisterKernel(original.kernelName, original.backendName);
      tf.registerKernel(original);
    }
  }
  return { products: [...products.values()].sort((a, b) => b.flops * b.count - a.flops * a.count), sequence };
}

const sameShape = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** The transpose flags under which a·b has the recorded output shape (untransposed first, as the wasm path runs them). */
function transposes(a: readonly number[], b: readonly number[], out: readonly number[]): [boolean, boolean] {
  for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]] as const) {
    const [m, k] = ta ? [a.at(-1), a.at(-2)] : [a.at(-2), a.at(-1)];
    const [k2, n] = tb ? [b.at(-1), b.at(-2)] : [b.at(-2), b.at(-1)];
    if (k === k2 && m === out.at(-2) && n === out.at(-1)) return [ta, tb];
  }
  throw new Error(`matmul-bound: no transposes give [${out.join(',')}] from [${a.join(',')}]·[${b.join(',')}]`);
}

/** The kernel as the step ran it, and for a grouped product also the same sums as a batched tf.matMul. */
function callsFor(p: Product): { kernel: Call; batched?: { shapes: number[][]; call: Call } } {
  const [a = [], b = []] = p.inputShapes;
  if (p.name === '_FusedMatMul') {
    const [ta, tb] = transposes(a, b, p.outputShape);
    return { kernel: ([x, w, bias]) => tf.fused.matMul({ a: x!, b: w!, bias, transposeA: ta, transposeB: tb }) };
  }
  if (p.name === 'BatchMatMul') {
    const [ta, tb] = transposes(a, b, p.outputShape);
    return { kernel: ([x, w]) => tf.matMul(x!, w!, ta, tb) };
  }
  // A grouped product (grouped-matmul.ts): image [1, M·K, 1, G], filter [K, 1, G, N], stride K.
  const [k = 1, , g = 1, n = 1] = b;
  const m = (a[1] ?? 0) / k;
  const kernel: Call = ([x, f]) => tf.depthwiseConv2d(x as tf.Tensor4D, f as tf.Tensor4D, [k, 1], 'valid');
  const shape = tf.tidy(() => kernel(p.inputShapes.map((s) => tf.zeros(s))).shape);
  if (!sameShape(shape, p.outputShape)) throw new Error(`matmul-bound: ${p.key} gives [${shape.join(',')}], not [${p.outputShape.join(',')}]`);
  return { kernel, batched: { shapes: [[g, m, k], [g, k, n]], call: ([x, w]) => tf.matMul(x!, w!) } };
}

/** CPU and wall ms per run of `body`, over `runs` runs. */
function sample(body: () => void, runs: number): { cpu: number; wall: number } {
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  for (let i = 0; i < runs; i++) body();
  const wall = performance.now() - wallStart;
  const used = process.cpuUsage(cpuStart);
  return { cpu: (used.user + used.system) / 1000 / runs, wall: wall / runs };
}

/** One product timed both ways, one sample per round; the caller interleaves the rounds. */
class Timed {
  readonly once: number[] = [];
  readonly fresh: number[] = [];
  readonly inputs: tf.Tensor[];
  private readonly calls: number;

  constructor(
    readonly call: Call,
    shapes: readonly number[][],
  ) {
    this.inputs = shapes.map((s, i) => tf.randomUniform(s, -1, 1, 'float32', i + 1));
    for (let i = 0; i < 3; i++) this.callOnce();
    const perCall = Math.max(1e-3, sample(() => this.callOnce(), 3).wall);
    this.calls = Math.min(MAX_CALLS, Math.max(3, Math.ceil(SAMPLE_MS / perCall)));
  }

  private callOnce(): void {
    this.call(this.inputs).dispose();
  }

  round(): void {
    this.once.push(sample(() => this.callOnce(), this.calls).cpu);
    // Copies made just before the call, as a step makes its operands, less the same copies alone.
    const [a, ...rest] = this.inputs as [tf.Tensor, ...tf.Tensor[]];
    const withCall = sample(() => {
      const copies = rest.map((t) => tf.clone(t));
      this.call([a, ...copies]).dispose();
      tf.dispose(copies);
    }, this.calls);
    const copiesOnly = sample(() => tf.dispose(rest.map((t) => tf.clone(t))), this.calls);
    this.fresh.push(withCall.cpu - copiesOnly.cpu);
  }
}

/** CPU ms of the whole recorded sequence, operands fresh where the step's were new, less making them. */
function replaySequence(sequence: readonly Recorded[], timed: ReadonlyMap<Product, Timed>, runs: number): number {
  const run = (withCalls: boolean): number =>
    sample(() =>
      tf.tidy(() => {
        const made = new Map<number, tf.Tensor>();
        for (const { product, operandIds } of sequence) {
          const t = timed.get(product)!;
          const operands = operandIds.map((id, i) => {
            const template = t.inputs[i + 1]!;
            const existing = made.get(id);
            if (existing) return sameShape(existing.shape, template.shape) ? existing : tf.reshape(existing, template.shape);
            const copy = tf.clone(template);
            made.set(id, copy);
            return copy;
          });
          if (withCalls) t.call([t.inputs[0]!, ...operands]).dispose();
        }
      }), runs).cpu;
  return run(true) - run(false);
}

const PEAK_N = 512;

/**
 * Records one step's products, replays them and reports, per product and in total, their rate alone
 * and the bound it puts on the bench's fraction, analyticFlops / product time / 512³ rate.
 */
export function matmulBound(step: (mark: () => void) => void, analyticFlops: number): string {
  const { products, sequence } = recordStep(step);
  const timed = new Map<Product, Timed>();
  const batched = new Map<Product, Timed>();
  for (const p of products) {
    const calls = callsFor(p);
    timed.set(p, new Timed(calls.kernel, p.inputShapes));
    if (calls.batched) batched.set(p, new Timed(calls.batched.call, calls.batched.shapes));
  }
  const a = tf.randomUniform([PEAK_N, PEAK_N], -1, 1, 'float32', 1);
  const b = tf.randomUniform([PEAK_N, PEAK_N], -1, 1, 'float32', 2);
  const peakSample = (): number => (2 * PEAK_N ** 3) / sample(() => tf.matMul(a, b).dispose(), 4).cpu / 1e6;
  peakSample();
  const replayRuns = Math.max(1, Math.ceil(REPLAY_MS / Math.max(1, replaySequence(sequence, timed, 1))));
  const peaks: number[] = [];
  const replays: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of [...timed.values(), ...batched.values()]) t.round();
    replays.push(replaySequence(sequence, timed, replayRuns));
    peaks.push(peakSample());
  }
  // Products and reference samples alternate, so their medians see the same load; the bench's
  // fraction divides by the best reference sample, given second.
  const [peak, best] = [median(peaks), Math.max(...peaks)];
  const rate = (flops: number, ms: number): string => (flops / ms / 1e6).toFixed(1);
  const rows = [['product', 'phase', 'count', 'MFLOP', 'µs once', 'GFLOP/s', 'µs per call', 'GFLOP/s', 'as batched matMul']];
  const totals = { once: 0, fresh: 0, modelOnce: 0, modelFresh: 0, flops: 0, modelFlops: 0, count: 0, modelCount: 0 };
  for (const p of products) {
    const t = timed.get(p)!;
    const alt = batched.get(p);
    // A grouped product counts at the faster of its two forms.
    const once = Math.min(median(t.once), alt ? median(alt.once) : Infinity);
    const fresh = Math.min(median(t.fresh), alt ? median(alt.fresh) : Infinity);
    totals.once += p.count * once;
    totals.fresh += p.count * fresh;
    totals.flops += p.count * p.flops;
    totals.count += p.count;
    if (!p.rowSum) {
      totals.modelOnce += p.count * once;
      totals.modelFresh += p.count * fresh;
      totals.modelFlops += p.count * p.flops;
      totals.modelCount += p.count;
    }
    const phases = [...p.phases].sort().map((ph) => ['fwd', 'bwd', 'opt'][ph] ?? String(ph)).join('+');
    const altCell = alt ? `${(median(alt.once) * 1000).toFixed(0)} µs, ${rate(p.flops, median(alt.once))} GFLOP/s` : '';
    rows.push([p.key, phases, String(p.count), ((p.count * p.flops) / 1e6).toFixed(1), (once * 1000).toFixed(1), rate(p.flops, once), (fresh * 1000).toFixed(1), rate(p.flops, fresh), altCell]);
  }
  tf.dispose([a, b, ...[...timed.values(), ...batched.values()].flatMap((t) => t.inputs)]);
  const share = (flops: number, ms: number): string => {
    const gflops = flops / ms / 1e6;
    return `${gflops.toFixed(1)} GFLOP/s, ${((gflops / peak) * 100).toFixed(1)} % (${((gflops / best) * 100).toFixed(1)} %)`;
  };
  const replay = median(replays);
  const summary = [
    ['products', 'kernels', 'MFLOP', 'ms packed once', 'rate, share of 512³ median (best)', 'ms packed per call', 'rate, share of 512³ median (best)'],
    ['model products (no one-wide sums)', String(totals.modelCount), (totals.modelFlops / 1e6).toFixed(0), totals.modelOnce.toFixed(2), share(totals.modelFlops, totals.modelOnce), totals.modelFresh.toFixed(2), share(totals.modelFlops, totals.modelFresh)],
    ['all product kernels', String(totals.count), (totals.flops / 1e6).toFixed(0), totals.once.toFixed(2), share(totals.flops, totals.once), totals.fresh.toFixed(2), share(totals.flops, totals.fresh)],
    ['all, analytic FLOPs (bench fraction)', String(totals.count), (analyticFlops / 1e6).toFixed(0), totals.once.toFixed(2), share(analyticFlops, totals.once), totals.fresh.toFixed(2), share(analyticFlops, totals.fresh)],
    ['step sequence, step sharing, analytic', String(sequence.length), (analyticFlops / 1e6).toFixed(0), '', '', replay.toFixed(2), share(analyticFlops, replay)],
  ];
  return [
    `matmul bound: each product alone, median of ${ROUNDS} samples (≥ ${SAMPLE_MS} ms each), per CPU second; 512³ rate median ${peak.toFixed(2)}, best ${best.toFixed(2)} GFLOP/s`,
    '',
    ...alignColumns(rows),
    '',
    ...alignColumns(summary),
  ].join('\n');
}
