// Tagging token sequences with an exported model: the ORT counterpart of stages/lib/train/predict.ts
// (same windows and length-sorted batches, the best valid BIO sequence per window), plus per-token
// confidence.
import type { Vocabulary } from '../model/vocabulary.js';
import { evaluationBatches, toWindows, type Window } from '../train/batching.js';
import { bioTransitions, decodeBio } from '../train/bio-decode.js';
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

/** Softmax probability of tag `chosen` among the `count` logits at `at`. */
function probabilityOf(logits: Float32Array, at: number, count: number, chosen: number): number {
  let max = -Infinity;
  for (let k = 0; k < count; k++) max = Math.max(max, logits[at + k]!);
  let sum = 0;
  for (let k = 0; k < count; k++) sum += Math.exp(logits[at + k]! - max);
  return Math.exp(logits[at + chosen]! - max) / sum;
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
  const transitions = bioTransitions(tagNames);
  for (const batch of evaluationBatches(windows, batchSize)) {
    const { logits, seq } = await runWindows(session, vocab, batch);
    batch.forEach((window, b) => {
      const ids = decodeBio(logits, b * seq * numTags, window.tokens.length, transitions, window.start > 0);
      ids.forEach((id, t) => {
        tags[window.sample]![window.start + t] = tagNames[id] ?? 'O';
        scores[window.sample]![window.start + t] = probabilityOf(logits, (b * seq + t) * numTags, numTags, id);
      });
    });
  }
  return { tags, scores };
}
