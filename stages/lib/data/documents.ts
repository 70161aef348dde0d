// What format parsers produce before normalisation into Samples.

/** A labelled character span as found in the source; `end` exclusive, UTF-16 offsets. */
export interface RawSpan {
  readonly start: number;
  readonly end: number;
  readonly label: string;
  /** The span's text as recorded by the source, when it records one (used to detect bad offsets). */
  readonly text?: string;
}

export interface SpanDocument {
  readonly kind: 'spans';
  readonly id: string;
  /** `file:line` or `file record N`, for error messages. */
  readonly where: string;
  readonly text: string;
  readonly spans: readonly RawSpan[];
}

export interface TokenDocument {
  readonly kind: 'tokens';
  readonly id: string;
  readonly where: string;
  readonly tokens: readonly string[];
  readonly tags: readonly string[];
}

export type RawDocument = SpanDocument | TokenDocument;

export const SPLIT_NAMES = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];
