// onnxruntime-node sessions with the project's settings, plus small tensor helpers.
import ort from 'onnxruntime-node';

export type OrtSession = ort.InferenceSession;
export type OrtTensor = ort.Tensor;

export interface SessionSettings {
  readonly intraOpNumThreads?: number;
  readonly graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** Dumps the optimised graph (used by tests to inspect fusions). */
  readonly optimizedModelFilePath?: string;
}

/** A CPU session from model bytes: full graph optimisation, one intra-op thread (predictable latency). */
export async function createSession(model: Uint8Array, settings: SessionSettings = {}): Promise<OrtSession> {
  return ort.InferenceSession.create(model, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: settings.graphOptimizationLevel ?? 'all',
    intraOpNumThreads: settings.intraOpNumThreads ?? 1,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    ...(settings.optimizedModelFilePath ? { optimizedModelFilePath: settings.optimizedModelFilePath } : {}),
  });
}

export function int64Tensor(values: ArrayLike<number>, dims: readonly number[]): OrtTensor {
  return new ort.Tensor('int64', BigInt64Array.from(Array.from(values, (v) => BigInt(v))), dims);
}

export function floatTensor(values: Float32Array, dims: readonly number[]): OrtTensor {
  return new ort.Tensor('float32', values, dims);
}

/** Runs a session and returns one named float output. */
export async function runFloat(session: OrtSession, feeds: Record<string, OrtTensor>, output: string): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const result = await session.run(feeds, [output]);
  const tensor = result[output];
  if (!tensor) throw new Error(`model produced no output named ${output}`);
  return { data: tensor.data as Float32Array, dims: tensor.dims };
}
