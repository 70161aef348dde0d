// What an exported model carries in metadata_props so it can be served without the checkpoint.
import type { Vocabulary } from '../model/vocabulary.js';
import { readMetadata } from './graph-builder.js';

export interface Preprocessing {
  /** The tokenizer the model was trained with (stages/lib/data/tokenize.ts). */
  readonly tokenizer: 'dagmake-rules-v1';
  readonly lowercase: boolean;
  readonly maxChars: number;
  /** Tokens per window; longer sentences are tagged in consecutive windows. */
  readonly maxLength: number;
}

export interface ModelMetadata {
  readonly backbone: string;
  readonly vocab: Vocabulary;
  /** Tag names by logit index. */
  readonly labels: readonly string[];
  readonly preprocessing: Preprocessing;
}

const KEYS = {
  backbone: 'dagmake.backbone',
  vocab: 'dagmake.vocab',
  labels: 'dagmake.labels',
  preprocessing: 'dagmake.preprocessing',
} as const;

export function metadataProps(meta: ModelMetadata): [string, string][] {
  return [
    [KEYS.backbone, meta.backbone],
    [KEYS.vocab, JSON.stringify(meta.vocab)],
    [KEYS.labels, JSON.stringify(meta.labels)],
    [KEYS.preprocessing, JSON.stringify(meta.preprocessing)],
  ];
}

export function parseModelMetadata(model: Uint8Array): ModelMetadata {
  const props = readMetadata(model);
  const get = (key: string): string => {
    const value = props[key];
    if (value === undefined) throw new Error(`ONNX model has no '${key}' metadata: was it exported by export_onnx?`);
    return value;
  };
  return {
    backbone: get(KEYS.backbone),
    vocab: JSON.parse(get(KEYS.vocab)) as Vocabulary,
    labels: JSON.parse(get(KEYS.labels)) as string[],
    preprocessing: JSON.parse(get(KEYS.preprocessing)) as Preprocessing,
  };
}
