// TensorFlow.js vs ONNX Runtime on the same windows: logits difference and argmax agreement
// over real (unpadded) tokens.
import { encodeBatch, forward, type BackboneConfig, type Vocabulary, type WeightMap } from '../model/index.js';
import { tf } from '../tf/tf.js';
import { evaluationBatches, type Window } from '../train/batching.js';
import { runWindows } from './ort-tagger.js';
import type { OrtSession } from './session.js';

export interface ParityReport {
  readonly maxAbsDiff: number;
  readonly argmaxAgreement: number;
  readonly tokens: number;
}

export interface TfjsModel {
  readonly weights: WeightMap;
  readonly config: BackboneConfig;
  readonly vocab: Vocabulary;
}

/** Reference logits [B, S, T] from the training forward pass (inference mode). */
export function tfjsLogits(model: TfjsModel, windows: readonly Window[]): { data: Float32Array; seq: number } {
  const inputs = encodeBatch(
    windows.map((w) => w.tokens),
    model.vocab,
  );
  const logits = forward(model.weights, inputs, model.config, { training: false, dropout: 0, seed: 0 });
  const data = logits.dataSync() as Float32Array;
  const seq = inputs.wordIds.shape[1];
  tf.dispose([logits, inputs.wordIds, inputs.charIds, inputs.mask]);
  return { data, seq };
}

function argmax(data: Float32Array, at: number, count: number): number {
  let best = 0;
  for (let k = 1; k < count; k++) if (data[at + k]! > data[at + best]!) best = k;
  return best;
}

export async function compareLogits(model: TfjsModel, session: OrtSession, windows: readonly Window[], numTags: number, batchSize = 32): Promise<ParityReport> {
  let maxAbsDiff = 0;
  let agree = 0;
  let tokens = 0;
  for (const batch of evaluationBatches(windows, batchSize)) {
    const reference = tfjsLogits(model, batch);
    const onnx = await runWindows(session, model.vocab, batch);
    if (onnx.seq !== reference.seq) throw new Error(`padded length differs: tfjs ${reference.seq}, onnx ${onnx.seq}`);
    batch.forEach((window, b) => {
      for (let t = 0; t < window.tokens.length; t++) {
        const at = (b * reference.seq + t) * numTags;
        for (let k = 0; k < numTags; k++) maxAbsDiff = Math.max(maxAbsDiff, Math.abs(reference.data[at + k]! - onnx.logits[at + k]!));
        if (argmax(reference.data, at, numTags) === argmax(onnx.logits, at, numTags)) agree++;
        tokens++;
      }
    });
  }
  return { maxAbsDiff, argmaxAgreement: tokens > 0 ? agree / tokens : 1, tokens };
}
