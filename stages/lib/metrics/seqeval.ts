// Entity-level precision/recall/F1 as computed by seqeval's default mode.
import type { EntityScores, EvaluationMetrics } from '../train/types.js';
import { extractEntities } from './entities.js';

interface Counts {
  truePositives: number;
  predicted: number;
  actual: number;
}

const ratio = (numerator: number, denominator: number): number => (denominator === 0 ? 0 : numerator / denominator);

function scores(counts: Counts): EntityScores {
  const precision = ratio(counts.truePositives, counts.predicted);
  const recall = ratio(counts.truePositives, counts.actual);
  const f1 = ratio(2 * precision * recall, precision + recall);
  return { precision, recall, f1, support: counts.actual };
}

function entityKeys(sequence: readonly string[], sentence: number): Map<string, string> {
  const keys = new Map<string, string>();
  for (const entity of extractEntities(sequence)) {
    keys.set(`${sentence}\u0000${entity.start}\u0000${entity.end}\u0000${entity.type}`, entity.type);
  }
  return keys;
}

/**
 * Scores predicted tag sequences against true ones. Types are the union of true and predicted
 * types, so a type only ever predicted still counts (F1 0) in the macro average.
 */
export function evaluate(
  trueSequences: readonly (readonly string[])[],
  predictedSequences: readonly (readonly string[])[],
): EvaluationMetrics {
  if (trueSequences.length !== predictedSequences.length) {
    throw new Error(`evaluate: ${trueSequences.length} true sequences but ${predictedSequences.length} predicted`);
  }
  const perTypeCounts = new Map<string, Counts>();
  const countsOf = (type: string): Counts => {
    let counts = perTypeCounts.get(type);
    if (!counts) {
      counts = { truePositives: 0, predicted: 0, actual: 0 };
      perTypeCounts.set(type, counts);
    }
    return counts;
  };
  let correctTokens = 0;
  let totalTokens = 0;
  trueSequences.forEach((trueTags, sentence) => {
    const predictedTags = predictedSequences[sentence] as readonly string[];
    if (trueTags.length !== predictedTags.length) {
      throw new Error(`evaluate: sequence ${sentence} has ${trueTags.length} true tags but ${predictedTags.length} predicted`);
    }
    trueTags.forEach((tag, i) => {
      if (tag === predictedTags[i]) correctTokens++;
    });
    totalTokens += trueTags.length;
    const actual = entityKeys(trueTags, sentence);
    for (const type of actual.values()) countsOf(type).actual++;
    for (const [key, type] of entityKeys(predictedTags, sentence)) {
      const counts = countsOf(type);
      counts.predicted++;
      if (actual.has(key)) counts.truePositives++;
    }
  });

  const types = [...perTypeCounts.keys()].sort();
  const perType: Record<string, EntityScores> = {};
  const total: Counts = { truePositives: 0, predicted: 0, actual: 0 };
  for (const type of types) {
    const counts = perTypeCounts.get(type) as Counts;
    perType[type] = scores(counts);
    total.truePositives += counts.truePositives;
    total.predicted += counts.predicted;
    total.actual += counts.actual;
  }
  const micro = scores(total);
  const macroF1 = ratio(
    types.reduce((sum, type) => sum + (perType[type] as EntityScores).f1, 0),
    types.length,
  );
  return {
    microF1: micro.f1,
    macroF1,
    microPrecision: micro.precision,
    microRecall: micro.recall,
    tokenAccuracy: ratio(correctTokens, totalTokens),
    perType,
  };
}
