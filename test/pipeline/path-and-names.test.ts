import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { interpolateString, interpolateValue } from '../../src/pipeline/interpolate.js';
import { isInside, normalizeProjectPath } from '../../src/pipeline/project-path.js';
import { closestMatch, editDistance } from '../../src/text/suggest.js';

describe('normalizeProjectPath', () => {
  test('canonical POSIX project-relative form', () => {
    const cases: [string, string][] = [
      ['data/raw/', 'data/raw'],
      ['./data/raw', 'data/raw'],
      ['a//b/./c/', 'a/b/c'],
      ['a/b/../c', 'a/c'],
      ['.', '.'],
      ['./', '.'],
    ];
    for (const [raw, expected] of cases) assert.deepEqual(normalizeProjectPath(raw), { ok: true, path: expected }, raw);
  });

  test('absolute, escaping and empty paths are rejected', () => {
    for (const raw of ['/etc/x', 'C:\\data', '..', '../x', 'a/../../x', '', '  ']) {
      assert.equal(normalizeProjectPath(raw).ok, false, raw);
    }
    assert.deepEqual(normalizeProjectPath('../x'), {
      ok: false,
      message: 'path "../x" is outside the project root',
      hint: 'use a path relative to the project root (the directory of pipeline.yaml)',
    });
  });

  test('isInside compares whole path segments', () => {
    assert.equal(isInside('out/a/b', 'out/a'), true);
    assert.equal(isInside('out/ab', 'out/a'), false);
    assert.equal(isInside('out/a', 'out/a'), false);
  });
});

describe('interpolation', () => {
  const scope = { n: 3, s: 'x', on: false, list: [1, 2], map: { a: { b: 'deep' } } };

  test('strings take scalar values as text', () => {
    assert.deepEqual(interpolateString('${n}-${s}-${on}-${map.a.b}-${list.1}-${ n }', scope), { value: '3-x-false-deep-2-3', problems: [] });
    assert.deepEqual(interpolateString('keep \\${n} literal', scope), { value: 'keep ${n} literal', problems: [] });
  });

  test('a whole reference keeps the type, recursively', () => {
    assert.deepEqual(interpolateValue({ a: '${n}', b: ['${list}', '${map.a}'], c: 'n=${n}', d: 7 }, scope), {
      value: { a: 3, b: [[1, 2], { b: 'deep' }], c: 'n=3', d: 7 },
      problems: [],
    });
  });

  test('problems carry the path inside the value', () => {
    const result = interpolateValue({ a: [1, '${nope}'], b: '${bad name}' }, scope);
    assert.deepEqual(result.problems, [
      { path: ['a', 1], message: 'unknown variable "nope"', hint: 'known variables: "n", "s", "on", "list", "map"' },
      {
        path: ['b'],
        message: 'invalid reference "${bad name}"',
        hint: 'write "${name}" or "${name.key}"; use "\\${" for a literal "${"',
      },
    ]);
  });
});

describe('suggestions', () => {
  test('a swap of neighbours counts as one edit', () => {
    assert.equal(editDistance('dpes', 'deps'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
    assert.equal(closestMatch('dpes', ['desc', 'deps', 'outs']), 'deps');
    assert.equal(closestMatch('zzzz', ['desc', 'deps']), undefined);
  });
});
