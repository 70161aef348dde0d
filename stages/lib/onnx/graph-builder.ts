// A small typed layer over onnx-proto for authoring inference graphs by hand.
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
type AttributeProto = onnxProto.onnx.IAttributeProto;
type NodeProto = onnxProto.onnx.INodeProto;
type TensorProto = onnxProto.onnx.ITensorProto;
type ValueInfoProto = onnxProto.onnx.IValueInfoProto;

export const ElemType = {
  float: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
} as const;
export type ElemTypeName = keyof typeof ElemType;

export type AttributeValue = number | string | readonly number[] | readonly string[] | { float: number } | { floats: readonly number[] };
/** Integers become INT/INTS; wrap in `{float}` / `{floats}` to force FLOAT/FLOATS. */
export type Attributes = Readonly<Record<string, AttributeValue>>;

/** A dimension: fixed size, or a symbolic name such as 'batch' or 'seq'. */
export type Dim = number | string;

export const AI_ONNX_OPSET = 17;
export const MS_DOMAIN = 'com.microsoft';

export interface InitializerData {
  readonly float: Float32Array;
  readonly int8: Int8Array;
  readonly uint8: Uint8Array;
  readonly int32: Int32Array;
  readonly int64: BigInt64Array;
}

function toAttribute(name: string, value: AttributeValue): AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: T.INT, i: value } : { name, type: T.FLOAT, f: value };
  }
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) {
      return { name, type: T.STRINGS, strings: (value as string[]).map((s) => new TextEncoder().encode(s)) };
    }
    const nums = value as number[];
    return nums.every((v) => Number.isInteger(v)) ? { name, type: T.INTS, ints: nums } : { name, type: T.FLOATS, floats: nums };
  }
  if ('float' in value) return { name, type: T.FLOAT, f: value.float };
  return { name, type: T.FLOATS, floats: [...(value as { floats: readonly number[] }).floats] };
}

function littleEndianBytes(data: ArrayBufferView): Uint8Array {
  // Typed arrays are host-endian; every supported Node platform is little-endian.
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

function valueInfo(name: string, type: ElemTypeName, shape: readonly Dim[]): ValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ElemType[type],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly initializerBytes = new Map<string, number>();
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly metadata: { key: string; value: string }[] = [];
  private readonly domains = new Map<string, number>([['', AI_ONNX_OPSET]]);
  private counter = 0;

  constructor(readonly name: string) {}

  /** A fresh tensor name with a readable prefix. */
  fresh(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }

  input(name: string, type: ElemTypeName, shape: readonly Dim[]): string {
    this.inputs.push(valueInfo(name, type, shape));
    return name;
  }

  output(name: string, type: ElemTypeName, shape: readonly Dim[]): string {
    this.outputs.push(valueInfo(name, type, shape));
    return name;
  }

  initializer<K extends keyof InitializerData>(name: string, type: K, dims: readonly number[], data: InitializerData[K]): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (data.length !== expected) {
      throw new Error(`initializer ${name}: ${data.length} values for dims [${dims.join(', ')}]`);
    }
    if (this.initializerBytes.has(name)) throw new Error(`duplicate initializer ${name}`);
    const typeName: ElemTypeName = type;
    this.initializers.push({ name, dataType: ElemType[typeName], dims: [...dims], rawData: littleEndianBytes(data) });
    this.initializerBytes.set(name, data.byteLength);
    return name;
  }

  /** A float32 or int64 constant with a fresh name; convenient for shapes, axes and scalars. */
  constFloat(prefix: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.initializer(this.fresh(prefix), 'float', dims, Float32Array.from(values));
  }

  constInt64(prefix: string, values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.initializer(this.fresh(prefix), 'int64', dims, BigInt64Array.from(values.map(BigInt)));
  }

  /** Adds a node; returns its outputs (fresh names derived from the op type unless given). */
  node(opType: string, inputs: readonly string[], options: { outputs?: readonly string[] | number; attrs?: Attributes; domain?: string; name?: string } = {}): string[] {
    const outputs =
      typeof options.outputs === 'object'
        ? [...options.outputs]
        : Array.from({ length: options.outputs ?? 1 }, () => this.fresh(opType.toLowerCase()));
    const domain = options.domain ?? '';
    if (domain !== '' && !this.domains.has(domain)) this.domains.set(domain, 1);
    this.nodes.push({
      opType,
      domain,
      name: options.name ?? this.fresh(`n_${opType}`),
      input: [...inputs],
      output: outputs,
      attribute: Object.entries(options.attrs ?? {}).map(([k, v]) => toAttribute(k, v)),
    });
    return outputs;
  }

  /** Single-output shorthand for `node`. */
  op(opType: string, inputs: readonly string[], attrs?: Attributes, output?: string): string {
    const [out] = this.node(opType, inputs, { attrs, outputs: output === undefined ? 1 : [output] });
    return out!;
  }

  meta(key: string, value: string): void {
    this.metadata.push({ key, value });
  }

  /** Bytes held by initializers, by name. */
  initializerSizes(): ReadonlyMap<string, number> {
    return this.initializerBytes;
  }

  build(): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'dagmake',
      producerVersion: '0.1.0',
      opsetImport: [...this.domains].map(([domain, version]) => ({ domain, version })),
      metadataProps: this.metadata,
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}

/** Reads a model's metadata_props into a plain record. */
export function readMetadata(bytes: Uint8Array): Record<string, string> {
  const model = decodeModel(bytes);
  return Object.fromEntries((model.metadataProps ?? []).map((p) => [p.key ?? '', p.value ?? '']));
}
