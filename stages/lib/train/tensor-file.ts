// Named float32 tensors on disk: `<base>.bin` holds the values back to back (little-endian, names
// in sorted order) and `<base>.json` indexes them. No timestamps or other volatile data, so the
// same weights always give the same bytes.
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { tf } from '../tf/tf.js';

export interface TensorIndexEntry {
  readonly name: string;
  readonly shape: readonly number[];
  /** Byte offset into the .bin file. */
  readonly offset: number;
  /** Number of float32 values. */
  readonly length: number;
}

export interface TensorIndex {
  readonly format: 'float32-le-concat';
  readonly tensors: readonly TensorIndexEntry[];
}

export async function saveTensors(dir: string, base: string, tensors: Readonly<Record<string, tf.Tensor>>): Promise<void> {
  const names = Object.keys(tensors).sort();
  const entries: TensorIndexEntry[] = [];
  const parts: Buffer[] = [];
  let offset = 0;
  for (const name of names) {
    const tensor = tensors[name] as tf.Tensor;
    const values = Float32Array.from(tensor.dataSync());
    entries.push({ name, shape: tensor.shape, offset, length: values.length });
    parts.push(Buffer.from(values.buffer, values.byteOffset, values.byteLength));
    offset += values.byteLength;
  }
  const index: TensorIndex = { format: 'float32-le-concat', tensors: entries };
  await writeFile(join(dir, `${base}.bin`), Buffer.concat(parts));
  await writeFile(join(dir, `${base}.json`), `${JSON.stringify(index, null, 2)}\n`);
}

/** Returns plain float32 values by name; the caller decides whether they become tensors or variables. */
export async function loadTensorValues(dir: string, base: string): Promise<Map<string, { shape: number[]; values: Float32Array }>> {
  const index = JSON.parse(await readFile(join(dir, `${base}.json`), 'utf8')) as TensorIndex;
  const bytes = await readFile(join(dir, `${base}.bin`));
  const result = new Map<string, { shape: number[]; values: Float32Array }>();
  for (const entry of index.tensors) {
    const values = new Float32Array(entry.length);
    Buffer.from(values.buffer).set(bytes.subarray(entry.offset, entry.offset + entry.length * 4));
    result.set(entry.name, { shape: [...entry.shape], values });
  }
  return result;
}

/** Assigns saved values to existing variables, checking every name and shape. */
export async function loadIntoVariables(dir: string, base: string, variables: Readonly<Record<string, tf.Variable>>): Promise<void> {
  const saved = await loadTensorValues(dir, base);
  for (const [name, variable] of Object.entries(variables)) {
    const entry = saved.get(name);
    if (!entry) throw new Error(`${join(dir, base)}.json has no tensor '${name}'`);
    if (entry.shape.join('x') !== variable.shape.join('x')) {
      throw new Error(`${join(dir, base)}.json: '${name}' has shape [${entry.shape}] but the model expects [${variable.shape}]`);
    }
    tf.tidy(() => variable.assign(tf.tensor(entry.values, entry.shape, 'float32')));
  }
}
