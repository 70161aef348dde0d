// Trained weights + config + vocabulary + labels → an FP32 ONNX model (opset 17, dynamic batch/seq).
import type { BackboneConfig } from '../model/types.js';
import type { Vocabulary } from '../model/vocabulary.js';
import { buildBiLstm } from './export-bilstm.js';
import { WeightTable, declareIo, type WeightArrays } from './export-common.js';
import { buildTransformer } from './export-transformer.js';
import { GraphBuilder } from './graph-builder.js';
import { metadataProps } from './model-metadata.js';

export interface ExportInput {
  readonly weights: WeightArrays;
  readonly config: BackboneConfig;
  readonly vocab: Vocabulary;
  /** Tag names by logit index. */
  readonly labels: readonly string[];
}

export function exportOnnx({ weights, config, vocab, labels }: ExportInput): Uint8Array {
  if (vocab.maxChars !== config.maxChars) throw new Error(`vocab.maxChars ${vocab.maxChars} ≠ config.maxChars ${config.maxChars}`);
  const head = weights['head/bias'];
  if (head && head.shape[0] !== labels.length) throw new Error(`head has ${head.shape[0]} outputs but there are ${labels.length} labels`);
  const g = new GraphBuilder(`${config.backbone}_tagger`);
  const w = new WeightTable(g, weights);
  declareIo(g, config, labels.length);
  if (config.backbone === 'bilstm') buildBiLstm(g, w, config);
  else buildTransformer(g, w, config);
  const preprocessing = { tokenizer: 'dagmake-rules-v1', lowercase: vocab.lowercase, maxChars: vocab.maxChars, maxLength: config.maxLength } as const;
  for (const [key, value] of metadataProps({ backbone: config.backbone, vocab, labels, preprocessing })) g.meta(key, value);
  g.meta('dagmake.config', JSON.stringify(config));
  return g.build();
}
