import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bioTransitions, decodeBio } from '../../stages/lib/train/bio-decode.js';

const TAGS = ['O', 'B-person', 'I-person', 'B-location', 'I-location'];
const transitions = bioTransitions(TAGS);
const rows = (values: number[][]) => Float32Array.from(values.flat());
const named = (ids: Int32Array) => [...ids].map((id) => TAGS[id]);

function valid(path: readonly number[], continuesEntity: boolean): boolean {
  return path.every((tag, t) => {
    const name = TAGS[tag] as string;
    if (!name.startsWith('I-')) return true;
    if (t === 0) return continuesEntity;
    const previous = TAGS[path[t - 1] as number] as string;
    return previous.slice(2) === name.slice(2) && previous !== 'O';
  });
}

function logSoftmaxScore(logits: Float32Array, path: readonly number[]): number {
  const n = TAGS.length;
  return path.reduce((sum, tag, t) => {
    const row = [...logits.subarray(t * n, t * n + n)];
    const max = Math.max(...row);
    const logSum = max + Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
    return sum + (row[tag] as number) - logSum;
  }, 0);
}

test('transitions: I-X only after B-X or I-X, and never first', () => {
  const allowed = (prev: string, next: string) => transitions.allowed[TAGS.indexOf(prev) * TAGS.length + TAGS.indexOf(next)] === 1;
  assert.ok(allowed('B-person', 'I-person') && allowed('I-person', 'I-person'));
  assert.ok(!allowed('O', 'I-person') && !allowed('B-location', 'I-person') && !allowed('I-location', 'I-person'));
  assert.ok(allowed('O', 'B-person') && allowed('I-person', 'O') && allowed('I-person', 'B-location'));
  assert.deepEqual([...transitions.canStart], [1, 1, 0, 1, 0]);
});

test('a stray I- after O becomes the start of the entity it continues', () => {
  // argmax: O, I-person, I-person (invalid); best valid: O, B-person, I-person.
  const logits = rows([[5, 0, 0, 0, 0], [0, 1, 3, 0, 0], [0, 0, 3, 0, 0]]);
  assert.deepEqual(named(decodeBio(logits, 0, 3, transitions)), ['O', 'B-person', 'I-person']);
});

test('a type switch inside an entity is repaired; valid argmax paths are kept', () => {
  const switched = rows([[0, 4, 0, 0, 0], [0, 0, 0, 0, 3], [4, 0, 0, 0, 0]]);
  assert.deepEqual(named(decodeBio(switched, 0, 3, transitions)), ['B-person', 'O', 'O']);
  const clean = rows([[0, 4, 0, 0, 0], [0, 0, 3, 0, 0], [0, 0, 0, 2, 0]]);
  assert.deepEqual(named(decodeBio(clean, 0, 3, transitions)), ['B-person', 'I-person', 'B-location']);
});

test('a window cut from a longer sentence may open with I-', () => {
  const logits = rows([[0, 0, 5, 0, 0]]);
  assert.deepEqual(named(decodeBio(logits, 0, 1, transitions)), ['O']);
  assert.deepEqual(named(decodeBio(logits, 0, 1, transitions, true)), ['I-person']);
  assert.equal(decodeBio(logits, 0, 0, transitions).length, 0);
});

test('decoding starts at the given offset', () => {
  const logits = rows([[9, 9, 9, 9, 9], [0, 0, 0, 5, 0], [0, 0, 0, 0, 5]]);
  assert.deepEqual(named(decodeBio(logits, TAGS.length, 2, transitions)), ['B-location', 'I-location']);
});

test('the decoded path is the highest-scoring valid path (exhaustive check)', () => {
  let seed = 7;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 6 - 3;
  const n = TAGS.length;
  const length = 4;
  for (let round = 0; round < 40; round++) {
    const logits = Float32Array.from({ length: length * n }, random);
    for (const continuesEntity of [false, true]) {
      let bestScore = -Infinity;
      for (let code = 0; code < n ** length; code++) {
        const path = Array.from({ length }, (_, t) => Math.floor(code / n ** t) % n);
        if (valid(path, continuesEntity)) bestScore = Math.max(bestScore, logSoftmaxScore(logits, path));
      }
      const decoded = [...decodeBio(logits, 0, length, transitions, continuesEntity)];
      assert.ok(valid(decoded, continuesEntity), `round ${round}: ${named(Int32Array.from(decoded)).join(' ')}`);
      assert.ok(Math.abs(logSoftmaxScore(logits, decoded) - bestScore) < 1e-9, `round ${round}`);
    }
  }
});

test('tags outside the BIO scheme are unconstrained', () => {
  const other = bioTransitions(['O', 'S-person', 'E-person']);
  assert.deepEqual([...other.allowed], [1, 1, 1, 1, 1, 1, 1, 1, 1]);
});
