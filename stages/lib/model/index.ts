// The tagger models: configs, weights, forward passes and vocabularies.
//
//   const config = parseModelConfig({ backbone: 'bilstm', ...yaml });
//   const vocab = buildVocabulary(trainTokens, config);
//   const weights = initWeights(config, vocabSizes(vocab), labels.tags.length, seed);
//   const logits = forward(weights, encodeBatch(tokens, vocab, config), config, { training: false, dropout: 0, seed: 0 });
//
// Backbone files (bilstm.ts, transformer.ts, token-features.ts, ops.ts) document their weight
// names, shapes and op sequences for re-implementation in other runtimes (ONNX export).
import type { tf } from '../tf/tf.js';
import { bilstm } from './bilstm.js';
import { transformer } from './transformer.js';
import type { BackboneConfig, ForwardOptions, ModelInputs, VocabSizes, WeightMap } from './types.js';

export type {
  Backbone,
  BackboneConfig,
  BiLstmConfig,
  ForwardOptions,
  ModelInputs,
  TokenFeatureConfig,
  TransformerConfig,
  VocabSizes,
  WeightMap,
} from './types.js';
export { parseModelConfig } from './config.js';
export { buildVocabulary, vocabSizes, wordId, charIds, PAD_ID, UNK_ID } from './vocabulary.js';
export type { Vocabulary } from './vocabulary.js';
export { encodeBatch } from './encode-batch.js';
export { bilstm } from './bilstm.js';
export { transformer } from './transformer.js';

export function initWeights(config: BackboneConfig, sizes: VocabSizes, numTags: number, seed: number): WeightMap {
  return config.backbone === 'bilstm'
    ? bilstm.initWeights(config, sizes, numTags, seed)
    : transformer.initWeights(config, sizes, numTags, seed);
}

export function forward(weights: WeightMap, batch: ModelInputs, config: BackboneConfig, options: ForwardOptions): tf.Tensor3D {
  return config.backbone === 'bilstm'
    ? bilstm.forward(weights, batch, config, options)
    : transformer.forward(weights, batch, config, options);
}
