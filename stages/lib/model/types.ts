import type { tf } from '../tf/tf.js';

/**
 * Trainable parameters by name, e.g. `embed/word` or `block0/attn/q/kernel`. Each backbone file
 * documents its names, shapes and the exact op sequence that consumes them.
 */
export type WeightMap = Record<string, tf.Variable>;

/** One padded batch. S is the longest sequence in the batch (≤ config.maxLength), C = config.maxChars. */
export interface ModelInputs {
  /** int32 [B, S]; 0 = PAD, 1 = UNK. */
  readonly wordIds: tf.Tensor2D;
  /** int32 [B, S, C]; 0 = PAD (also for padded tokens), 1 = UNK. */
  readonly charIds: tf.Tensor3D;
  /** float32 [B, S]; 1 for real tokens, 0 for padding. Sequences are right-padded. */
  readonly mask: tf.Tensor2D;
}

export interface ForwardOptions {
  /** Dropout is applied only when true. */
  readonly training: boolean;
  /** Dropout rate in [0, 1). */
  readonly dropout: number;
  /** Seed for this call's dropout masks (the caller draws a fresh one per step). */
  readonly seed: number;
}

export interface VocabSizes {
  readonly words: number;
  readonly chars: number;
}

/** Fields shared by every backbone config (config/model/<backbone>.yaml). */
export interface TokenFeatureConfig {
  readonly wordDim: number;
  /** Character embedding size; 0 turns the character features off. */
  readonly charDim: number;
  /** Output channels of the character CNN. */
  readonly charFilters: number;
  /** Character CNN window (odd). */
  readonly charWindow: number;
  /** Characters kept per token (longer tokens are cut). */
  readonly maxChars: number;
  /** Tokens per window; longer sentences are split into consecutive windows. */
  readonly maxLength: number;
  readonly minWordCount: number;
  readonly lowercase: boolean;
}

export interface BiLstmConfig extends TokenFeatureConfig {
  readonly backbone: 'bilstm';
  /** Hidden size per direction. */
  readonly hidden: number;
}

export interface TransformerConfig extends TokenFeatureConfig {
  readonly backbone: 'transformer';
  readonly dModel: number;
  readonly heads: number;
  readonly layers: number;
  readonly ffn: number;
}

export type BackboneConfig = BiLstmConfig | TransformerConfig;

export interface Backbone<C extends BackboneConfig = BackboneConfig> {
  readonly name: C['backbone'];
  /** Seeded and deterministic: the same arguments give bit-identical weights on any backend. */
  initWeights(config: C, vocabSizes: VocabSizes, numTags: number, seed: number): WeightMap;
  /** Returns unnormalised tag scores (logits), float32 [B, S, numTags]. */
  forward(weights: WeightMap, batch: ModelInputs, config: C, options: ForwardOptions): tf.Tensor3D;
}
