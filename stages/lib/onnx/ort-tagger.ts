// Tagging token sequences with an exported model: the ORT counterpart of stages/lib/train/predict.ts
// (same windows and length-sorted batches, argmax per token), plus per-token confidence.
import type { Vocabulary } from '../model/vocabulary.js';
import { evaluationBatches, toWindows, type Window } from '../train/batching.js';
import { IO } from './export-common.js';
import { encodeForOrt } from './encode.js';
import type { OrtSession } from './session.js';

export interface TaggedSequences {
  readonly tags: string[][];
  /** Softmax probability of the chosen tag, per token. */
  readonly scores: number[][];
}

export interface BatchLogits {
  readonly windows: readonly Window[];
  /** [batch, seq, numTags] row-major. */
  readonly logits: Float32Array;
  readonly seq: number;
}

/** Runs one batch of windows; `windows` must be at most maxLength tokens each. */
export async function runWindows(session: OrtSession, vocab: Vocabulary, windows: readonly Window[]): Promise<BatchLogits> {
  const encoded = encodeForOrt(
    windows.map((w) => w.tokens),
    vocab,
  );
  const result = await session.run(encoded.feeds, [IO.logits]);
  const logits = result[IO.logits];
  if (!logits) throw new Error('model produced no logits');
  return { windows, logits: logits.data as Float32Array, seq: encoded.seq };
}

function argmaxWithProbability(logits: Float32Array, at: number, count: number): [number, number] {
  let best = 0;
  let max = -Infinity;
  for (let k = 0; k < count; k++) {
    const v = logits[at + k]!;
    if (v > max) {
      max = v;
      best = k;
    }
  }
  let sum = 0;
  for (let k = 0; k < count; k++) sum += Math.exp(logits[at + k]! - max);
  return [best, 1 / sum];
}

export interface TagOptions {
  readonly tagNames: readonly string[];
  readonly maxLength: number;
  readonly batchSize?: number;
}

export async function tagSequences(
  session: OrtSession,
  vocab: Vocabulary,
  sentences: readonly (readonly string[])[],
  { tagNames, maxLength, batchSize = 32 }: TagOptions,
): Promise<TaggedSequences> {
  const windows = toWindows(
    sentences.map((tokens) => ({ tokens, tags: [] })),
    maxLength,
  );
  const tags = sentences.map((s) => new Array<string>(s.length).fill('O'));
  const scores = sentences.map((s) => new Array<number>(s.length).fill(1));
  const numTags = tagNames.length;
  for (const batch of evaluationBatches(windows, batchSize)) {
    const { logits, seq } = await runWindows(session, vocab, batch);
    batch.forEach((window, b) => {
      window.tokens.forEach((_, t) => {
        const [best, probability] = argmaxWithProbability(logits, (b * seq + t) * numTags, numTags);
        tags[window.sample]![window.start + t] = tagNames[best] ?? 'O';
        scores[window.sample]![window.start + t] = probability;
      });
    });
  }
  return { tags, scores };
}
