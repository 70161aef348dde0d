// Reading and writing initializer payloads of a decoded ModelProto.
import type onnxProto from 'onnx-proto';
import { ElemType } from './graph-builder.js';

type TensorProto = onnxProto.onnx.ITensorProto;

export function tensorDims(t: TensorProto): number[] {
  return (t.dims ?? []).map((d) => Number(d));
}

export function tensorSize(t: TensorProto): number {
  return tensorDims(t).reduce((a, b) => a * b, 1);
}

/** Float payload of an initializer, whether stored as raw bytes or as float_data. */
export function floatData(t: TensorProto): Float32Array {
  if (t.dataType !== ElemType.float) throw new Error(`initializer ${t.name} is not float32`);
  const raw = t.rawData;
  if (raw && raw.length > 0) {
    const copy = new Uint8Array(raw);
    return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  }
  return Float32Array.from(t.floatData ?? []);
}

export function tensorByteLength(t: TensorProto): number {
  if (t.rawData && t.rawData.length > 0) return t.rawData.length;
  const perElement: Record<number, number> = { [ElemType.float]: 4, [ElemType.int8]: 1, [ElemType.uint8]: 1, [ElemType.int32]: 4, [ElemType.int64]: 8 };
  return tensorSize(t) * (perElement[t.dataType ?? 0] ?? 4);
}

export function rawTensor(name: string, dataType: number, dims: readonly number[], data: ArrayBufferView): TensorProto {
  return { name, dataType, dims: [...dims], rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}
