import { tf } from '../tf/tf.js';
import type { ModelInputs } from './types.js';
import { charIds, wordId, type Vocabulary } from './vocabulary.js';

/** Pads to the longest sentence in the batch; callers cut sentences to maxLength beforehand. */
export function encodeBatch(sentences: readonly (readonly string[])[], vocab: Vocabulary): ModelInputs {
  const batch = sentences.length;
  const seq = Math.max(1, ...sentences.map((s) => s.length));
  const chars = vocab.maxChars;
  const words = new Int32Array(batch * seq);
  const charValues = new Int32Array(batch * seq * chars);
  const mask = new Float32Array(batch * seq);
  sentences.forEach((tokens, b) => {
    tokens.forEach((token, t) => {
      const at = b * seq + t;
      words[at] = wordId(vocab, token);
      mask[at] = 1;
      charValues.set(charIds(vocab, token), at * chars);
    });
  });
  return {
    wordIds: tf.tensor2d(words, [batch, seq], 'int32'),
    charIds: tf.tensor3d(charValues, [batch, seq, chars], 'int32'),
    mask: tf.tensor2d(mask, [batch, seq], 'float32'),
  };
}
