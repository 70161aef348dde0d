// Best valid BIO tag sequence per window (Viterbi over per-token log-softmax scores).
// A softmax tagger picks each token's tag on its own and so can emit I-X after O or after B-Y,
// sequences no annotator writes; seqeval then reads each stray I- as the start of an entity.
// Restricting the decoder to valid transitions costs nothing at training time and is the same
// on the TensorFlow.js and the ONNX Runtime paths. No library in reach offers this over plain
// arrays, hence the few lines here. Tags are read as the scorer reads them (metrics/entities.ts).
import { parseTag } from '../metrics/entities.js';

export interface BioTransitions {
  readonly numTags: number;
  /** allowed[prev * numTags + next]: may tag `next` follow tag `prev`. */
  readonly allowed: Uint8Array;
  /** May the tag open a sequence (false for I-X). */
  readonly canStart: Uint8Array;
}

/** I-X may only follow B-X or I-X; every other tag may follow anything. */
export function bioTransitions(tagNames: readonly string[]): BioTransitions {
  const numTags = tagNames.length;
  const parsed = tagNames.map(parseTag);
  const allowed = new Uint8Array(numTags * numTags);
  const canStart = new Uint8Array(numTags);
  parsed.forEach((next, j) => {
    const inside = next.prefix === 'I';
    canStart[j] = inside ? 0 : 1;
    parsed.forEach((prev, i) => {
      const continues = (prev.prefix === 'B' || prev.prefix === 'I') && prev.type === next.type;
      allowed[i * numTags + j] = !inside || continues ? 1 : 0;
    });
  });
  return { numTags, allowed, canStart };
}

/**
 * Decodes `length` tokens whose logits start at `at` in a row-major [.., numTags] array.
 * `continuesEntity` lets the first token take an I- tag (a window cut from a longer sentence).
 * Ties go to the lower tag id, as with argmax.
 */
export function decodeBio(logits: ArrayLike<number>, at: number, length: number, transitions: BioTransitions, continuesEntity = false): Int32Array {
  const { numTags, allowed, canStart } = transitions;
  const path = new Int32Array(length);
  if (length === 0) return path;
  const scores = new Float64Array(length * numTags);
  for (let t = 0; t < length; t++) {
    const base = at + t * numTags;
    let max = -Infinity;
    for (let k = 0; k < numTags; k++) max = Math.max(max, logits[base + k] as number);
    let sum = 0;
    for (let k = 0; k < numTags; k++) sum += Math.exp((logits[base + k] as number) - max);
    const logSum = max + Math.log(sum);
    for (let k = 0; k < numTags; k++) scores[t * numTags + k] = (logits[base + k] as number) - logSum;
  }
  const best = new Float64Array(numTags);
  const next = new Float64Array(numTags);
  const back = new Int32Array(length * numTags);
  for (let k = 0; k < numTags; k++) best[k] = continuesEntity || canStart[k] ? (scores[k] as number) : -Infinity;
  for (let t = 1; t < length; t++) {
    for (let j = 0; j < numTags; j++) {
      let bestPrev = 0;
      let bestScore = -Infinity;
      for (let i = 0; i < numTags; i++) {
        if (!allowed[i * numTags + j]) continue;
        const score = best[i] as number;
        if (score > bestScore) {
          bestScore = score;
          bestPrev = i;
        }
      }
      next[j] = bestScore + (scores[t * numTags + j] as number);
      back[t * numTags + j] = bestPrev;
    }
    best.set(next);
  }
  let last = 0;
  for (let k = 1; k < numTags; k++) if ((best[k] as number) > (best[last] as number)) last = k;
  path[length - 1] = last;
  for (let t = length - 1; t > 0; t--) path[t - 1] = back[t * numTags + (path[t] as number)] as number;
  return path;
}
