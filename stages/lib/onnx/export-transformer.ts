// The Transformer encoder tagger (stages/lib/model/transformer.ts) mapped op for op.
// LayerNorm uses the opset-17 LayerNormalization op (same formula, eps 1e-5); GELU is the
// tanh approximation written out so it matches the model exactly.
import type { TransformerConfig } from '../model/types.js';
import { IO, dense, tokenFeatures, type WeightTable } from './export-common.js';
import type { GraphBuilder } from './graph-builder.js';

function layerNorm(g: GraphBuilder, w: WeightTable, name: string, x: string): string {
  return g.op('LayerNormalization', [x, w.use(`${name}/gamma`), w.use(`${name}/beta`)], { axis: -1, epsilon: { float: 1e-5 } });
}

/** 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) */
function gelu(g: GraphBuilder, x: string): string {
  const cube = g.op('Mul', [x, g.op('Mul', [x, x])]);
  const inner = g.op('Mul', [g.op('Add', [x, g.op('Mul', [cube, g.constFloat('c', [0.044715], [])])]), g.constFloat('c', [Math.sqrt(2 / Math.PI)], [])]);
  const gate = g.op('Add', [g.op('Tanh', [inner]), g.constFloat('one', [1], [])]);
  return g.op('Mul', [g.op('Mul', [x, g.constFloat('half', [0.5], [])]), gate]);
}

/** [B, S, M] → [B, nh, S, dh] (perm [0,2,1,3]) or, for keys, straight to [B, nh, dh, S]. */
function splitHeads(g: GraphBuilder, x: string, heads: number, headDim: number, transposed: boolean): string {
  const split = g.op('Reshape', [x, g.constInt64('shape', [0, 0, heads, headDim])]);
  return g.op('Transpose', [split], { perm: transposed ? [0, 2, 3, 1] : [0, 2, 1, 3] });
}

function selfAttention(g: GraphBuilder, w: WeightTable, prefix: string, h: string, maskBias: string, config: TransformerConfig): string {
  const headDim = config.dModel / config.heads;
  const q = splitHeads(g, dense(g, w, `${prefix}/q`, h), config.heads, headDim, false);
  const kT = splitHeads(g, dense(g, w, `${prefix}/k`, h), config.heads, headDim, true);
  const v = splitHeads(g, dense(g, w, `${prefix}/v`, h), config.heads, headDim, false);
  const scores = g.op('Div', [g.op('MatMul', [q, kT]), g.constFloat('sqrt_dh', [Math.sqrt(headDim)], [])]);
  const probs = g.op('Softmax', [g.op('Add', [scores, maskBias])], { axis: -1 });
  const context = g.op('Transpose', [g.op('MatMul', [probs, v])], { perm: [0, 2, 1, 3] });
  const merged = g.op('Reshape', [context, g.constInt64('shape', [0, 0, config.dModel])]);
  return dense(g, w, `${prefix}/out`, merged);
}

export function buildTransformer(g: GraphBuilder, w: WeightTable, config: TransformerConfig): void {
  const seqLen = g.op('Shape', [IO.wordIds], { start: 1, end: 2 });
  const positions = g.op('Slice', [w.use('embed/position'), g.constInt64('start', [0]), seqLen, g.constInt64('axes', [0])]);
  let x = g.op('Add', [dense(g, w, 'input', tokenFeatures(g, w, config)), positions]);
  const padding = g.op('Sub', [g.constFloat('one', [1], []), IO.mask]);
  const maskBias = g.op('Unsqueeze', [g.op('Mul', [padding, g.constFloat('neg_inf', [-1e9], [])]), g.constInt64('axes', [1, 2])]);
  for (let n = 0; n < config.layers; n++) {
    const block = `block${n}`;
    x = g.op('Add', [x, selfAttention(g, w, `${block}/attn`, layerNorm(g, w, `${block}/ln1`, x), maskBias, config)]);
    const hidden = gelu(g, dense(g, w, `${block}/ffn/in`, layerNorm(g, w, `${block}/ln2`, x)));
    x = g.op('Add', [x, dense(g, w, `${block}/ffn/out`, hidden)]);
  }
  g.op('Identity', [dense(g, w, 'head', layerNorm(g, w, 'final_ln', x))], undefined, IO.logits);
}
