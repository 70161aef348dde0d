// Per-kernel timing of a function with tf.profile, split into phases (e.g. forward, backward,
// optimizer) and grouped by kind of kernel. Used by bench/train-bench.ts --profile.
import { tf } from './tf.js';

export interface KernelRecord {
  readonly name: string;
  /** Number of phase marks made before the kernel ran. */
  readonly phase: number;
  readonly inputShapes: readonly (readonly number[] | null)[];
  readonly outputShapes: readonly (readonly number[])[];
  readonly ms: number;
  /** 2·multiply-adds for matrix products (and grouped ones), 0 for every other kernel. */
  readonly flops: number;
}

export interface KernelProfile {
  readonly kernels: readonly KernelRecord[];
  /** Most bytes held by tensors at any point of the profiled run. */
  readonly peakBytes: number;
}

interface ProfiledKernel {
  readonly name: string;
  readonly inputShapes: (number[] | null)[];
  readonly outputShapes: number[][];
  readonly kernelTimeMs: number | { error: string };
}

const CATEGORIES: Readonly<Record<string, readonly string[]>> = {
  matmul: ['BatchMatMul', '_FusedMatMul', 'DepthwiseConv2dNative'],
  'transpose/copy': ['Transpose', 'JsTranspose', 'Identity', 'Reshape', 'Concat', 'SplitV', 'Slice', 'PadV2', 'Pack', 'Unpack', 'Tile', 'Cast', 'Fill', 'ZerosLike', 'OnesLike'],
  'gather/scatter': ['GatherV2', 'JsGatherRows', 'UnsortedSegmentSum', 'OneHot'],
  softmax: ['Softmax'],
  reduction: ['Sum', 'JsColumnSum', 'Mean', 'Max', 'Min', 'Prod', 'ArgMax', 'ArgMin', 'All', 'Any'],
};

/** matmul, transpose/copy, gather/scatter, softmax, reduction or elementwise (everything else). */
export function kernelCategory(name: string): string {
  for (const [category, names] of Object.entries(CATEGORIES)) if (names.includes(name)) return category;
  return 'elementwise';
}

/**
 * 2·multiply-adds of a matrix product from its first input's and its output's shapes, or, for a
 * depthwise convolution (a grouped product, as in grouped-matmul.ts), from its filter's and output's.
 */
export function kernelFlops(name: string, inputs: readonly (readonly number[] | null)[], out: readonly number[]): number {
  const [a, b] = inputs;
  if (name === 'DepthwiseConv2dNative') {
    const taps = (b?.[0] ?? 0) * (b?.[1] ?? 0);
    return 2 * out.reduce((x, y) => x * y, 1) * taps;
  }
  return kernelCategory(name) === 'matmul' && a ? matmulFlops(a, out) : 0;
}

/** 2·M·N·K·batch of a matrix product, from its first input's and its output's shapes. */
export function matmulFlops(a: readonly number[], out: readonly number[]): number {
  const m = out[out.length - 2] ?? 0;
  const n = out[out.length - 1] ?? 0;
  // a is [..., M, K] or, transposed, [..., K, M]; when both are M, K = M as well.
  const k = a[a.length - 2] === m ? (a[a.length - 1] ?? 0) : (a[a.length - 2] ?? 0);
  const batch = out.slice(0, -2).reduce((x, y) => x * y, 1);
  return 2 * batch * m * n * k;
}

function activeProfileLength(): number {
  const state = (tf.engine() as unknown as { state: { activeProfile?: { kernels: unknown[] } } }).state;
  return state.activeProfile?.kernels.length ?? 0;
}

/**
 * Runs `run` under tf.profile `repeats` times and returns each kernel's fastest time over the
 * repeats (the kernel sequence must be the same every time), so that time taken by other processes
 * on a shared machine drops out. Scopes (customGrad, composite ops) are left out: their kernels are
 * listed one by one.
 */
export async function profileKernels(run: (mark: () => void) => void, repeats: number): Promise<KernelProfile> {
  const registered = new Set(tf.getKernelsForBackend(tf.getBackend()).map((k) => k.kernelName));
  const checkErrors = tf.env().getBool('CHECK_COMPUTATION_FOR_ERRORS');
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  const runs: { kernels: ProfiledKernel[]; marks: number[] }[] = [];
  let peakBytes = 0;
  try {
    for (let r = 0; r < Math.max(1, repeats); r++) {
      const marks: number[] = [];
      const info = await tf.profile(() => run(() => marks.push(activeProfileLength())));
      runs.push({ kernels: [...(info.kernels as unknown as ProfiledKernel[])], marks });
      peakBytes = Math.max(peakBytes, info.peakBytes);
    }
  } finally {
    tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', checkErrors);
  }
  const [first] = runs as [(typeof runs)[number]];
  for (const other of runs) {
    if (other.kernels.length !== first.kernels.length || other.kernels.some((k, i) => k.name !== first.kernels[i]?.name)) {
      throw new Error('profileKernels: the kernel sequence changed between repeats');
    }
  }
  const records: KernelRecord[] = [];
  first.kernels.forEach((kernel, i) => {
    if (!registered.has(kernel.name)) return;
    const ms = Math.min(...runs.map((r) => Number(r.kernels[i]?.kernelTimeMs)));
    const phase = first.marks.filter((at) => at <= i).length;
    const [out] = kernel.outputShapes;
    const flops = out ? kernelFlops(kernel.name, kernel.inputShapes, out) : 0;
    records.push({ name: kernel.name, phase, inputShapes: kernel.inputShapes, outputShapes: kernel.outputShapes, ms, flops });
  });
  return { kernels: records, peakBytes };
}

export interface KernelGroup {
  readonly key: string;
  count: number;
  ms: number;
  flops: number;
}

/** Groups records by key(record), sorted by total time, longest first. */
export function groupKernels(records: readonly KernelRecord[], key: (record: KernelRecord) => string): KernelGroup[] {
  const groups = new Map<string, KernelGroup>();
  for (const record of records) {
    const name = key(record);
    const group = groups.get(name) ?? { key: name, count: 0, ms: 0, flops: 0 };
    group.count += 1;
    group.ms += record.ms;
    group.flops += record.flops;
    groups.set(name, group);
  }
  return [...groups.values()].sort((a, b) => b.ms - a.ms);
}
