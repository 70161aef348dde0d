// Inference over whole samples: windows → length-sorted batches → the best valid BIO sequence per
// window (bio-decode.ts), with the windows stitched back into per-sample tag sequences.
import { encodeBatch, forward, type BackboneConfig, type Vocabulary, type WeightMap } from '../model/index.js';
import { tf } from '../tf/tf.js';
import { evaluationBatches, toWindows } from './batching.js';
import { bioTransitions, decodeBio } from './bio-decode.js';
import { maskedCrossEntropy } from './loss.js';

export interface Prediction {
  /** Predicted tags per sample, same lengths as the samples' tokens. */
  readonly tags: string[][];
  /** Mean unweighted token cross-entropy, when the samples carry gold tags. */
  readonly loss?: number;
}

export function predictTags(
  weights: WeightMap,
  config: BackboneConfig,
  vocab: Vocabulary,
  tagNames: readonly string[],
  samples: readonly { tokens: readonly string[]; tags?: readonly string[] }[],
  batchSize = 64,
): Prediction {
  const withGold = samples.every((s) => s.tags !== undefined);
  const windows = toWindows(samples.map((s) => ({ tokens: s.tokens, tags: s.tags ?? [] })), config.maxLength);
  const tags = samples.map((s) => new Array<string>(s.tokens.length).fill('O'));
  const tagIndex = new Map(tagNames.map((t, i) => [t, i]));
  const transitions = bioTransitions(tagNames);
  let lossSum = 0;
  let tokenCount = 0;
  for (const batch of evaluationBatches(windows, batchSize)) {
    const inputs = encodeBatch(batch.map((w) => w.tokens), vocab);
    const [size, seq] = inputs.wordIds.shape;
    const logits = forward(weights, inputs, config, { training: false, dropout: 0, seed: 0 });
    const scores = logits.dataSync();
    const numTags = tagNames.length;
    batch.forEach((window, b) => {
      const target = tags[window.sample] as string[];
      const ids = decodeBio(scores, b * seq * numTags, window.tokens.length, transitions, window.start > 0);
      ids.forEach((id, t) => {
        target[window.start + t] = tagNames[id] ?? 'O';
      });
    });
    if (withGold) {
      const labels = new Int32Array(size * seq);
      batch.forEach((w, b) => w.tags.forEach((tag, t) => (labels[b * seq + t] = tagIndex.get(tag) ?? 0)));
      const tokens = batch.reduce((n, w) => n + w.tokens.length, 0);
      const loss = tf.tidy(() => maskedCrossEntropy(logits, tf.tensor2d(labels, [size, seq], 'int32'), inputs.mask));
      lossSum += (loss.dataSync()[0] ?? 0) * tokens;
      tokenCount += tokens;
      loss.dispose();
    }
    tf.dispose([logits, inputs.wordIds, inputs.charIds, inputs.mask]);
  }
  return withGold ? { tags, loss: tokenCount > 0 ? lossSum / tokenCount : 0 } : { tags };
}
