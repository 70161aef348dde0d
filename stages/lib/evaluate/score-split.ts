// Entity-level scores of one split's predictions, in the shape of outputs/evaluation/metrics.json.
import { extractEntities } from '../metrics/entities.js';
import { evaluate } from '../metrics/seqeval.js';

export interface PrecisionRecallF1 {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
}

export interface TypeScores extends PrecisionRecallF1 {
  /** Gold entities of this type. */
  readonly support: number;
  readonly predicted: number;
}

export interface SplitScores {
  readonly sentences: number;
  readonly tokens: number;
  /** Gold entities. */
  readonly entities: number;
  readonly predicted_entities: number;
  readonly micro: PrecisionRecallF1;
  /** Unweighted mean over every type that is gold or predicted somewhere, as seqeval's macro avg. */
  readonly macro: PrecisionRecallF1;
  readonly token_accuracy: number;
  readonly per_type: Readonly<Record<string, TypeScores>>;
}

const DIGITS = 6;

/** Fixed precision keeps the file byte-stable and readable; 1e-6 is far below any real difference. */
export function round(value: number): number {
  return Number(value.toFixed(DIGITS));
}

function countByType(sequences: readonly (readonly string[])[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const tags of sequences) {
    for (const entity of extractEntities(tags)) counts.set(entity.type, (counts.get(entity.type) ?? 0) + 1);
  }
  return counts;
}

const mean = (values: readonly number[]): number => (values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length);

/** Scores `predicted` against `gold` (tag sequences of the same sentences, the same lengths). */
export function scoreSplit(gold: readonly (readonly string[])[], predicted: readonly (readonly string[])[]): SplitScores {
  const metrics = evaluate(gold, predicted);
  const predictedByType = countByType(predicted);
  const types = Object.keys(metrics.perType).sort();
  const perType: Record<string, TypeScores> = {};
  for (const type of types) {
    const scores = metrics.perType[type]!;
    perType[type] = {
      precision: round(scores.precision),
      recall: round(scores.recall),
      f1: round(scores.f1),
      support: scores.support,
      predicted: predictedByType.get(type) ?? 0,
    };
  }
  const typeScores = types.map((type) => metrics.perType[type]!);
  return {
    sentences: gold.length,
    tokens: gold.reduce((n, tags) => n + tags.length, 0),
    entities: typeScores.reduce((n, scores) => n + scores.support, 0),
    predicted_entities: [...predictedByType.values()].reduce((a, b) => a + b, 0),
    micro: { precision: round(metrics.microPrecision), recall: round(metrics.microRecall), f1: round(metrics.microF1) },
    macro: {
      precision: round(mean(typeScores.map((s) => s.precision))),
      recall: round(mean(typeScores.map((s) => s.recall))),
      f1: round(metrics.macroF1),
    },
    token_accuracy: round(metrics.tokenAccuracy),
    per_type: perType,
  };
}
