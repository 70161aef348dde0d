// Dynamic int8 quantisation of an FP32 ONNX graph's weights (activations are quantised at run time).
//   MatMul(x, W const [K,N]) → DynamicQuantizeLinear(x) + MatMulInteger(x_q, W_q, x_zp, 0) → Cast → Mul(x_scale·W_scale[N])
//   Gather(E const [V,D], ids) → Gather(E_q int8, ids) → Cast, times Gather(scales [V,1], ids)   (per-row)
//   LSTM(X, W, R, B, …) → com.microsoft DynamicQuantizeLSTM with W/R transposed to [dir, in, 4H] (per direction + gate column)
// Everything else keeps its float weights and is listed in the report with the reason.
import type onnxProto from 'onnx-proto';
import { ElemType, MS_DOMAIN, decodeModel, onnx } from './graph-builder.js';
import { quantizePerColumn, quantizePerRow } from './int8-math.js';
import { floatData, rawTensor, tensorByteLength, tensorDims } from './tensor-data.js';

type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;

export interface QuantizeOptions {
  /** 7-bit weights: avoids u8·s8 accumulation overflow on x86 CPUs without VNNI. */
  readonly reduceRange?: boolean;
  /** Rewrite LSTM into com.microsoft DynamicQuantizeLSTM (default true). */
  readonly quantizeLstm?: boolean;
}

export interface QuantizedTensor {
  readonly tensor: string;
  readonly op: string;
  readonly scheme: string;
  readonly fp32Bytes: number;
  readonly int8Bytes: number;
}

export interface Fp32Tensor {
  readonly tensor: string;
  readonly ops: readonly string[];
  readonly bytes: number;
  readonly reason: string;
}

export interface QuantizeReport {
  readonly quantized: readonly QuantizedTensor[];
  readonly leftFp32: readonly Fp32Tensor[];
  /** FP32 bytes of the quantised weights divided by their int8 bytes (scales included). */
  readonly quantizedWeightRatio: number;
}

const FP32_REASONS: Record<string, string> = {
  GRU: 'ONNX Runtime has no int8 GRU kernel (there is no DynamicQuantizeGRU)',
  LSTM: 'LSTM quantisation disabled',
  DynamicQuantizeLSTM: 'bias of DynamicQuantizeLSTM is float by definition',
  Add: 'bias added in float after the integer MatMul (small, precision-sensitive)',
  LayerNormalization: 'normalisation gain/bias: tiny and precision-sensitive',
  Mul: 'elementwise scale constant',
  Sub: 'elementwise constant',
  Div: 'elementwise constant',
  Where: 'mask fill constant',
  MatMul: 'MatMul operand is not a constant [K, N] weight',
  Conv: 'no ConvInteger rewrite implemented (char CNN kernels are small)',
};

function reasonFor(ops: readonly string[]): string {
  return ops.map((op) => FP32_REASONS[op] ?? `${op} has no int8 rewrite`).filter((r, i, all) => all.indexOf(r) === i).join('; ');
}

export function quantizeModel(fp32: Uint8Array, options: QuantizeOptions = {}): { bytes: Uint8Array; report: QuantizeReport } {
  const qmax = options.reduceRange ? 63 : 127;
  const model = decodeModel(fp32);
  const graph = model.graph!;
  const initializers = new Map<string, TensorProto>((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const added: TensorProto[] = [];
  const quantized: QuantizedTensor[] = [];
  const done = new Map<string, string[]>();
  const quantizedActivations = new Map<string, [string, string, string]>();
  const nodes: NodeProto[] = [];
  let usesContrib = false;
  let counter = 0;
  const fresh = (prefix: string): string => `${prefix}_q${++counter}`;
  const isFloatMatrix = (name: string | undefined): TensorProto | undefined => {
    const t = name === undefined ? undefined : initializers.get(name);
    return t && t.dataType === ElemType.float && tensorDims(t).length === 2 ? t : undefined;
  };
  const once = (key: string, make: () => string[]): string[] => {
    const hit = done.get(key);
    if (hit) return hit;
    const made = make();
    done.set(key, made);
    return made;
  };

  for (const node of graph.node ?? []) {
    const inputs = node.input ?? [];
    const weight = node.opType === 'MatMul' && (node.domain ?? '') === '' ? isFloatMatrix(inputs[1]) : undefined;
    if (weight && inputs[0]) {
      const [k, n] = tensorDims(weight) as [number, number];
      const [wq, wScale, wZp] = once(`matmul:${weight.name}`, () => {
        const q = quantizePerColumn(floatData(weight), k, n, qmax);
        const names = [`${weight.name}_int8`, `${weight.name}_scale`, `${weight.name}_zp`];
        added.push(rawTensor(names[0]!, ElemType.int8, [k, n], q.values));
        added.push(rawTensor(names[1]!, ElemType.float, [n], q.scales));
        added.push(rawTensor(names[2]!, ElemType.int8, [n], new Int8Array(n)));
        quantized.push({ tensor: weight.name ?? '', op: 'MatMul', scheme: 'int8 symmetric per-column, dynamic uint8 activations', fp32Bytes: k * n * 4, int8Bytes: k * n + n * 5 });
        return names;
      }) as [string, string, string];
      let xq = quantizedActivations.get(inputs[0]);
      if (!xq) {
        xq = [fresh('x_u8'), fresh('x_scale'), fresh('x_zp')];
        nodes.push({ opType: 'DynamicQuantizeLinear', name: fresh('dql'), input: [inputs[0]], output: xq });
        quantizedActivations.set(inputs[0], xq);
      }
      const acc = fresh('acc_i32');
      const accF = fresh('acc_f32');
      const scale = fresh('scale');
      nodes.push({ opType: 'MatMulInteger', name: fresh('mmi'), input: [xq[0], wq, xq[2], wZp], output: [acc] });
      nodes.push({ opType: 'Cast', name: fresh('cast'), input: [acc], output: [accF], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: ElemType.float }] });
      nodes.push({ opType: 'Mul', name: fresh('mul'), input: [xq[1], wScale], output: [scale] });
      nodes.push({ opType: 'Mul', name: fresh('mul'), input: [accF, scale], output: [...(node.output ?? [])] });
      continue;
    }

    const axis = node.attribute?.find((a) => a.name === 'axis')?.i ?? 0;
    const table = node.opType === 'Gather' && Number(axis) === 0 ? isFloatMatrix(inputs[0]) : undefined;
    if (table && inputs[1]) {
      const [v, d] = tensorDims(table) as [number, number];
      const [tq, scales] = once(`gather:${table.name}`, () => {
        const q = quantizePerRow(floatData(table), v, d, qmax);
        const names = [`${table.name}_int8`, `${table.name}_row_scale`];
        added.push(rawTensor(names[0]!, ElemType.int8, [v, d], q.values));
        added.push(rawTensor(names[1]!, ElemType.float, [v, 1], q.scales));
        quantized.push({ tensor: table.name ?? '', op: 'Gather', scheme: 'int8 symmetric per-row, dequantised after the gather', fp32Bytes: v * d * 4, int8Bytes: v * d + v * 4 });
        return names;
      }) as [string, string];
      const rowsQ = fresh('rows_i8');
      const rowsF = fresh('rows_f32');
      const rowScale = fresh('row_scale');
      nodes.push({ opType: 'Gather', name: fresh('gather'), input: [tq, inputs[1]], output: [rowsQ] });
      nodes.push({ opType: 'Gather', name: fresh('gather'), input: [scales, inputs[1]], output: [rowScale] });
      nodes.push({ opType: 'Cast', name: fresh('cast'), input: [rowsQ], output: [rowsF], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: ElemType.float }] });
      nodes.push({ opType: 'Mul', name: fresh('mul'), input: [rowsF, rowScale], output: [...(node.output ?? [])] });
      continue;
    }

    const lstmW = node.opType === 'LSTM' && options.quantizeLstm !== false ? initializers.get(inputs[1] ?? '') : undefined;
    const lstmR = lstmW ? initializers.get(inputs[2] ?? '') : undefined;
    if (lstmW && lstmR) {
      nodes.push(dynamicQuantizeLstm(node, lstmW, lstmR, qmax, added, quantized));
      usesContrib = true;
      continue;
    }
    nodes.push(node);
  }

  const used = new Set(nodes.flatMap((n) => n.input ?? []));
  const kept = [...initializers.values()].filter((t) => used.has(t.name ?? ''));
  graph.node = nodes;
  graph.initializer = [...kept, ...added.filter((t) => used.has(t.name ?? ''))];
  if (usesContrib && !(model.opsetImport ?? []).some((o) => o.domain === MS_DOMAIN)) {
    model.opsetImport = [...(model.opsetImport ?? []), { domain: MS_DOMAIN, version: 1 }];
  }

  const consumers = new Map<string, string[]>();
  for (const n of nodes) for (const i of n.input ?? []) consumers.set(i, [...(consumers.get(i) ?? []), n.opType ?? '']);
  const leftFp32: Fp32Tensor[] = kept
    .filter((t) => t.dataType === ElemType.float && tensorDims(t).reduce((a, b) => a * b, 1) > 1)
    .map((t) => {
      const ops = [...new Set(consumers.get(t.name ?? '') ?? [])];
      return { tensor: t.name ?? '', ops, bytes: tensorByteLength(t), reason: reasonFor(ops) };
    });
  const fp32Bytes = quantized.reduce((a, q) => a + q.fp32Bytes, 0);
  const int8Bytes = quantized.reduce((a, q) => a + q.int8Bytes, 0);
  return {
    bytes: onnx.ModelProto.encode(model).finish(),
    report: { quantized, leftFp32, quantizedWeightRatio: int8Bytes > 0 ? fp32Bytes / int8Bytes : 1 },
  };
}

/** ONNX LSTM keeps W as [dir, 4H, in]; DynamicQuantizeLSTM wants [dir, in, 4H] with per-(direction, column) scales. */
function dynamicQuantizeLstm(node: NodeProto, w: TensorProto, r: TensorProto, qmax: number, added: TensorProto[], quantized: QuantizedTensor[]): NodeProto {
  const inputs = node.input ?? [];
  const names: string[] = [];
  for (const t of [w, r]) {
    const [dirs, gates, inner] = tensorDims(t) as [number, number, number];
    const src = floatData(t);
    const values = new Int8Array(src.length);
    const scales = new Float32Array(dirs * gates);
    for (let d = 0; d < dirs; d++) {
      const transposed = new Float32Array(inner * gates);
      for (let g = 0; g < gates; g++) {
        for (let i = 0; i < inner; i++) transposed[i * gates + g] = src[(d * gates + g) * inner + i]!;
      }
      const q = quantizePerColumn(transposed, inner, gates, qmax);
      values.set(q.values, d * inner * gates);
      scales.set(q.scales, d * gates);
    }
    const base = t.name ?? 'lstm_weight';
    added.push(rawTensor(`${base}_int8`, ElemType.int8, [dirs, inner, gates], values));
    added.push(rawTensor(`${base}_scale`, ElemType.float, [dirs, gates], scales));
    added.push(rawTensor(`${base}_zp`, ElemType.int8, [dirs, gates], new Int8Array(dirs * gates)));
    names.push(`${base}_int8`, `${base}_scale`, `${base}_zp`);
    quantized.push({ tensor: base, op: 'LSTM', scheme: 'int8 symmetric per-direction per-gate-column (DynamicQuantizeLSTM)', fp32Bytes: src.length * 4, int8Bytes: src.length + dirs * gates * 5 });
  }
  const [wq, ws, wz, rq, rs, rz] = names as [string, string, string, string, string, string];
  const optional = (i: number): string => inputs[i] ?? '';
  return {
    ...node,
    opType: 'DynamicQuantizeLSTM',
    domain: MS_DOMAIN,
    input: [inputs[0] ?? '', wq, rq, optional(3), optional(4), optional(5), optional(6), optional(7), ws, wz, rs, rz],
    attribute: (node.attribute ?? []).filter((a) => ['direction', 'hidden_size', 'clip', 'input_forget', 'activations', 'activation_alpha', 'activation_beta'].includes(a.name ?? '')),
  };
}
