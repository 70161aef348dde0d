// Token sentences → ONNX feeds, using the training vocabulary's own id functions
// (the ORT counterpart of stages/lib/model/encode-batch.ts).
import { charIds, wordId, type Vocabulary } from '../model/vocabulary.js';
import { IO } from './export-common.js';
import { floatTensor, type OrtTensor } from './session.js';
import ort from 'onnxruntime-node';

export interface EncodedBatch {
  readonly feeds: Record<string, OrtTensor>;
  readonly batch: number;
  readonly seq: number;
}

/** Right-pads to the longest sentence (at least 1 token wide), like encodeBatch. */
export function encodeForOrt(sentences: readonly (readonly string[])[], vocab: Vocabulary): EncodedBatch {
  const batch = sentences.length;
  const seq = Math.max(1, ...sentences.map((s) => s.length));
  const chars = vocab.maxChars;
  const words = new BigInt64Array(batch * seq);
  const charValues = new BigInt64Array(batch * seq * chars);
  const mask = new Float32Array(batch * seq);
  sentences.forEach((tokens, b) => {
    tokens.forEach((token, t) => {
      const at = b * seq + t;
      words[at] = BigInt(wordId(vocab, token));
      mask[at] = 1;
      charIds(vocab, token).forEach((id, c) => {
        charValues[at * chars + c] = BigInt(id);
      });
    });
  });
  return {
    batch,
    seq,
    feeds: {
      [IO.wordIds]: new ort.Tensor('int64', words, [batch, seq]),
      [IO.charIds]: new ort.Tensor('int64', charValues, [batch, seq, chars]),
      [IO.mask]: floatTensor(mask, [batch, seq]),
    },
  };
}

/** Splits a token list into consecutive windows of at most `maxLength` tokens. */
export function windows<T>(items: readonly T[], maxLength: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += maxLength) out.push(items.slice(i, i + maxLength));
  return out;
}
