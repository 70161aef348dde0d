// The BiLSTM tagger (stages/lib/model/bilstm.ts) as one bidirectional ONNX LSTM.
//
// The model's masked recurrence (state frozen on padding, output zeroed there, right padding)
// is exactly ONNX LSTM with sequence_lens = ReduceSum(mask): the forward direction stops at each
// sentence's length, the reverse direction starts at its last real token, outputs past the
// length are 0.
//
// Weight layout: Keras-style kernel [D, 4H] with column blocks [i f g o] →
// ONNX W [dir, 4H, D] with row blocks [i o f c] (c = g); same for recurrent_kernel → R [dir, 4H, H];
// B [dir, 8H] = [Wb (the model's bias, reordered), Rb = 0].
import type { BiLstmConfig } from '../model/types.js';
import { IO, dense, tokenFeatures, type WeightArray, type WeightTable } from './export-common.js';
import type { GraphBuilder } from './graph-builder.js';

/** ONNX gate block k comes from model gate block ONNX_FROM_MODEL[k]: i←i, o←o, f←f, c←g. */
const ONNX_FROM_MODEL = [0, 3, 1, 2] as const;

/** [in, 4H] (model order) → [4H, in] (ONNX order), written at `offset` of `out`. */
function toOnnxGateRows(kernel: WeightArray, hidden: number, out: Float32Array, offset: number): void {
  const [inner, cols] = kernel.shape as [number, number];
  if (cols !== 4 * hidden) throw new Error(`LSTM kernel has ${cols} columns, expected ${4 * hidden}`);
  for (let block = 0; block < 4; block++) {
    const from = ONNX_FROM_MODEL[block]!;
    for (let j = 0; j < hidden; j++) {
      const row = block * hidden + j;
      const col = from * hidden + j;
      for (let i = 0; i < inner; i++) out[offset + row * inner + i] = kernel.data[i * cols + col]!;
    }
  }
}

function toOnnxBias(bias: WeightArray, hidden: number, out: Float32Array, offset: number): void {
  for (let block = 0; block < 4; block++) {
    const from = ONNX_FROM_MODEL[block]!;
    for (let j = 0; j < hidden; j++) out[offset + block * hidden + j] = bias.data[from * hidden + j]!;
  }
}

function lstmWeights(w: WeightTable, hidden: number): { W: string; R: string; B: string } {
  const dirs = ['bilstm/fw', 'bilstm/bw'];
  const inputSize = w.get('bilstm/fw/kernel').shape[0]!;
  const W = new Float32Array(2 * 4 * hidden * inputSize);
  const R = new Float32Array(2 * 4 * hidden * hidden);
  const B = new Float32Array(2 * 8 * hidden);
  dirs.forEach((prefix, d) => {
    toOnnxGateRows(w.get(`${prefix}/kernel`), hidden, W, d * 4 * hidden * inputSize);
    toOnnxGateRows(w.get(`${prefix}/recurrent_kernel`), hidden, R, d * 4 * hidden * hidden);
    toOnnxBias(w.get(`${prefix}/bias`), hidden, B, d * 8 * hidden);
  });
  return {
    W: w.derived('bilstm/W', [2, 4 * hidden, inputSize], W),
    R: w.derived('bilstm/R', [2, 4 * hidden, hidden], R),
    B: w.derived('bilstm/B', [2, 8 * hidden], B),
  };
}

export function buildBiLstm(g: GraphBuilder, w: WeightTable, config: BiLstmConfig): void {
  const hidden = config.hidden;
  const features = tokenFeatures(g, w, config);
  const timeMajor = g.op('Transpose', [features], { perm: [1, 0, 2] });
  const lengths = g.op('Cast', [g.op('ReduceSum', [IO.mask, g.constInt64('axes', [1])], { keepdims: 0 })], { to: 6 });
  const { W, R, B } = lstmWeights(w, hidden);
  const [y] = g.node('LSTM', [timeMajor, W, R, B, lengths], {
    attrs: { direction: 'bidirectional', hidden_size: hidden },
    outputs: 1,
  });
  // Y [S, 2, B, H] → [B, S, 2, H] → [B, S, 2H] = Concat(fw, bw)
  const batchMajor = g.op('Transpose', [y!], { perm: [2, 0, 1, 3] });
  const merged = g.op('Reshape', [batchMajor, g.constInt64('shape', [0, 0, 2 * hidden])]);
  g.op('Identity', [dense(g, w, 'head', merged)], undefined, IO.logits);
}
