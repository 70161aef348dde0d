import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatEvaluation } from '../../stages/lib/evaluate/evaluate-stage.js';
import { round, scoreSplit } from '../../stages/lib/evaluate/score-split.js';

// Two sentences scored by hand:
//   gold  PER(0,2) LOC(3,4) | ORG(1,2)
//   pred  PER(0,2) ORG(3,4) | ORG(1,2)
// PER: 1 of 1 right; ORG: 1 right of 2 predicted, 1 gold; LOC: missed.
const gold = [
  ['B-PER', 'I-PER', 'O', 'B-LOC'],
  ['O', 'B-ORG', 'O'],
];
const predicted = [
  ['B-PER', 'I-PER', 'O', 'B-ORG'],
  ['O', 'B-ORG', 'O'],
];

describe('scoreSplit', () => {
  it('computes entity-level micro and macro scores, per-type scores and token accuracy', () => {
    assert.deepEqual(scoreSplit(gold, predicted), {
      sentences: 2,
      tokens: 7,
      entities: 3,
      predicted_entities: 3,
      micro: { precision: 0.666667, recall: 0.666667, f1: 0.666667 },
      macro: { precision: 0.5, recall: 0.666667, f1: 0.555556 },
      token_accuracy: 0.857143,
      per_type: {
        LOC: { precision: 0, recall: 0, f1: 0, support: 1, predicted: 0 },
        ORG: { precision: 0.5, recall: 1, f1: 0.666667, support: 1, predicted: 2 },
        PER: { precision: 1, recall: 1, f1: 1, support: 1, predicted: 1 },
      },
    });
  });

  it('scores a perfect prediction 1 and an all-O prediction 0', () => {
    const perfect = scoreSplit(gold, gold);
    assert.deepEqual([perfect.micro.f1, perfect.macro.f1, perfect.token_accuracy], [1, 1, 1]);
    const none = scoreSplit(gold, gold.map((tags) => tags.map(() => 'O')));
    assert.deepEqual([none.micro, none.predicted_entities, none.entities], [{ precision: 0, recall: 0, f1: 0 }, 0, 3]);
    assert.equal(none.token_accuracy, round(3 / 7));
  });

  it('a partly matching span counts as wrong, as in seqeval', () => {
    const scores = scoreSplit([['B-PER', 'I-PER', 'O']], [['B-PER', 'O', 'O']]);
    assert.deepEqual(scores.micro, { precision: 0, recall: 0, f1: 0 });
  });

  it('rejects predictions that do not line up with the gold sentences', () => {
    assert.throws(() => scoreSplit(gold, predicted.slice(1)), /2 true sequences but 1 predicted/);
    assert.throws(() => scoreSplit(gold, [predicted[0]!, ['O']]), /sequence 1 has 3 true tags but 1 predicted/);
  });
});

describe('formatEvaluation', () => {
  it('writes the checkpoint identity then one block per split, in the given order', () => {
    const scores = scoreSplit(gold, predicted);
    const text = formatEvaluation('outputs/final_training/checkpoint', { backbone: 'bilstm', epoch: 4, splits: { validation: scores, test: scores } });
    const parsed = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(Object.keys(parsed), ['backbone', 'checkpoint', 'epoch', 'validation', 'test']);
    assert.deepEqual(parsed['test'], scores);
    assert.ok(text.endsWith('}\n'));
  });
});
