// Graph pieces shared by both backbone exporters: named weights, dense layers and token features
// (stages/lib/model/token-features.ts and ops.ts mapped op for op).
import type { TokenFeatureConfig } from '../model/types.js';
import type { GraphBuilder } from './graph-builder.js';

export interface WeightArray {
  readonly shape: readonly number[];
  readonly data: Float32Array;
}

/** Trained weights by the model's own names (e.g. `block0/attn/q/kernel`). */
export type WeightArrays = Readonly<Record<string, WeightArray>>;

/** The graph's input and output names; the same for every backbone. */
export const IO = {
  wordIds: 'word_ids',
  charIds: 'char_ids',
  mask: 'mask',
  logits: 'logits',
} as const;

/** Adds weights as initializers on first use, keeping the model's names. */
export class WeightTable {
  private readonly added = new Set<string>();

  constructor(
    private readonly graph: GraphBuilder,
    private readonly weights: WeightArrays,
  ) {}

  get(name: string): WeightArray {
    const w = this.weights[name];
    if (!w) throw new Error(`checkpoint has no weight '${name}'`);
    return w;
  }

  /** The initializer name for a weight as stored. */
  use(name: string): string {
    if (!this.added.has(name)) {
      const w = this.get(name);
      this.graph.initializer(name, 'float', w.shape, w.data);
      this.added.add(name);
    }
    return name;
  }

  /** A derived initializer (e.g. a re-laid-out LSTM weight). */
  derived(name: string, shape: readonly number[], data: Float32Array): string {
    this.graph.initializer(name, 'float', shape, data);
    this.added.add(name);
    return name;
  }
}

/** dense(x, name) = MatMul(x, name/kernel) + name/bias over the last axis (MatMul broadcasts N-D). */
export function dense(g: GraphBuilder, w: WeightTable, name: string, x: string): string {
  return g.op('Add', [g.op('MatMul', [x, w.use(`${name}/kernel`)]), w.use(`${name}/bias`)]);
}

/** Declares the three model inputs (ids as int64, mask as float) and the logits output. */
export function declareIo(g: GraphBuilder, config: TokenFeatureConfig, numTags: number): void {
  g.input(IO.wordIds, 'int64', ['batch', 'seq']);
  g.input(IO.charIds, 'int64', ['batch', 'seq', config.maxChars]);
  g.input(IO.mask, 'float', ['batch', 'seq']);
  g.output(IO.logits, 'float', ['batch', 'seq', numTags]);
}

/**
 * Word embedding ++ character CNN, kept 4-D instead of reshaping to [B·S, C, ·]
 * (same values, fewer shape ops):
 *   ch = Gather(embed/char, charIds) [B,S,C,dc] → Pad axis 2 → Concat_k Slice(k…k+C) on axis 3 [B,S,C,w·dc]
 *   Relu(MatMul(·, char/conv/kernel) + bias) · Cast(charIds > 0) → ReduceMax axis 2 → [B,S,F]
 */
export function tokenFeatures(g: GraphBuilder, w: WeightTable, config: TokenFeatureConfig): string {
  const words = g.op('Gather', [w.use('embed/word'), IO.wordIds], { axis: 0 });
  if (config.charDim <= 0) return words;
  const window = config.charWindow;
  const half = (window - 1) / 2;
  const chars = config.maxChars;
  const embedded = g.op('Gather', [w.use('embed/char'), IO.charIds], { axis: 0 });
  const pads = g.constInt64('char_pads', [0, 0, half, 0, 0, 0, window - 1 - half, 0]);
  const padded = g.op('Pad', [embedded, pads], { mode: 'constant' });
  const axis2 = g.constInt64('axis2', [2]);
  const slices: string[] = [];
  for (let k = 0; k < window; k++) {
    slices.push(g.op('Slice', [padded, g.constInt64('start', [k]), g.constInt64('end', [k + chars]), axis2]));
  }
  const windows = slices.length === 1 ? slices[0]! : g.op('Concat', slices, { axis: -1 });
  const conv = g.op('Relu', [dense(g, w, 'char/conv', windows)]);
  const realChar = g.op('Cast', [g.op('Greater', [IO.charIds, g.constInt64('zero', [0], [])])], { to: 1 });
  const charMask = g.op('Unsqueeze', [realChar, g.constInt64('axes', [-1])]);
  const masked = g.op('Mul', [conv, charMask]);
  const pooled = g.op('ReduceMax', [masked], { axes: [2], keepdims: 0 });
  return g.op('Concat', [words, pooled], { axis: -1 });
}

/** Flattens a tfjs WeightMap (or anything with dataSync/shape) into plain arrays. */
export function weightArrays(weights: Readonly<Record<string, { readonly shape: readonly number[]; dataSync(): ArrayLike<number> }>>): WeightArrays {
  return Object.fromEntries(
    Object.entries(weights).map(([name, v]) => [name, { shape: [...v.shape], data: Float32Array.from(v.dataSync()) }]),
  );
}
