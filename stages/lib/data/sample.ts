// The on-disk format of outputs/dataset/*.json and outputs/dataset_tiny/*.json,
// shared by every stage that reads or writes a dataset.

/** One tokenised, BIO-tagged example. `tokens`, `tags` and `offsets` have the same length. */
export interface Sample {
  readonly id: string;
  /** The original text; `offsets` index into it (UTF-16 code units, end exclusive). */
  readonly text: string;
  readonly tokens: readonly string[];
  readonly offsets: readonly (readonly [number, number])[];
  /** IOB2 tags: `O`, `B-TYPE`, `I-TYPE`. */
  readonly tags: readonly string[];
}

/** outputs/dataset/labels.json */
export interface LabelSet {
  /** Entity types in a stable order, e.g. ['COMPANY', 'EMAIL', ...]. */
  readonly entityTypes: readonly string[];
  /** Tag vocabulary: 'O' first, then B-/I- per type in `entityTypes` order. */
  readonly tags: readonly string[];
}

/** A split file (train.json / validation.json / test.json) is a JSON array of Sample. */
export type SplitFile = readonly Sample[];
