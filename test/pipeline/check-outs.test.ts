import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatDiagnostic } from '../../src/errors.js';
import { buildGraph } from '../../src/graph/build-graph.js';
import { checkOuts } from '../../src/pipeline/check-outs.js';
import type { StageDef } from '../../src/pipeline/types.js';

const stage = (name: string, outs: [path: string, line: number][]): StageDef => ({
  name,
  cmd: ['true'],
  with: {},
  wdir: '.',
  deps: [],
  params: [],
  outs: outs.map(([path, line]) => ({ path, kind: 'out', persist: false, cache: true, location: { file: 'pipeline.yaml', line, col: 12 } })),
  env: {},
  alwaysChanged: false,
  frozen: false,
  resume: false,
  resources: { cpu: 1, mutex: [] },
});

describe('checkOuts', () => {
  test('distinct, unrelated outputs pass', () => {
    assert.deepEqual(checkOuts([stage('a', [['out/a', 3], ['out/ab', 4]]), stage('b', [['out/b.json', 7], ['out/a.json', 8]])]), []);
  });

  test('the same output in two stages is reported at the second, naming the first', () => {
    assert.deepEqual(checkOuts([stage('a', [['out/model', 3]]), stage('b', [['out/model', 9]])]).map(formatDiagnostic), [
      'pipeline.yaml:9:12 error: output "out/model" of stage "b" is already an output of stage "a"\n' +
        '  hint: first declared at pipeline.yaml:3:12; every path has exactly one producing stage',
    ]);
  });

  test('the same output from two expansions of one template asks for ${item} in the path', () => {
    assert.deepEqual(checkOuts([stage('train@a', [['model.bin', 6]]), stage('train@b', [['model.bin', 6]])]).map(formatDiagnostic), [
      'pipeline.yaml:6:12 error: output "model.bin" of stage "train@b" is already an output of stage "train@a"\n' +
        '  hint: both come from this line of one foreach or matrix stage: each expanded stage needs outs of its own, so put "${item}" (or "${item.NAME}") in the path',
    ]);
  });

  test('the same output twice in one stage', () => {
    assert.deepEqual(checkOuts([stage('a', [['x', 3], ['x', 4]])]).map(formatDiagnostic), [
      'pipeline.yaml:4:12 error: output "x" is declared twice in stage "a"\n' +
        '  hint: first declared at pipeline.yaml:3:12; every path has exactly one producing stage',
    ]);
  });

  test('an output inside another output, whichever comes first', () => {
    const expected = [
      'pipeline.yaml:9:12 error: output "outputs/a/deep/b.json" of stage "b" is inside output "outputs/a" of stage "a"\n' +
        '  hint: "outputs/a" is declared at pipeline.yaml:3:12; an output directory belongs entirely to one stage, so move one of them',
    ];
    const outer = stage('a', [['outputs/a', 3]]);
    const inner = stage('b', [['outputs/a/deep/b.json', 9]]);
    assert.deepEqual(checkOuts([outer, inner]).map(formatDiagnostic), expected);
    assert.deepEqual(checkOuts([inner, outer]).map(formatDiagnostic), expected);
  });
});

describe('a stage reading its own outs', () => {
  const withDep = (outs: StageDef['outs'], dep: string): StageDef => ({
    ...stage('s', []),
    outs,
    deps: [{ path: dep, location: { file: 'pipeline.yaml', line: 5, col: 12 } }] as unknown as StageDef['deps'],
  });
  const out = (path: string, persist = false): StageDef['outs'][number] => ({ path, kind: 'out', persist, cache: true, location: { file: 'pipeline.yaml', line: 6, col: 12 } });

  test('is refused where the out is removed before the run, and allowed for a persistent out', () => {
    const graph = (s: StageDef) => buildGraph({ root: '/p', file: '/p/pipeline.yaml', stages: [s], varsFiles: [] });
    const messages = (s: StageDef) => {
      const result = graph(s);
      return result.ok ? [] : result.error.map(formatDiagnostic);
    };
    assert.match(messages(withDep([out('b.txt')], 'b.txt'))[0] ?? '', /^pipeline\.yaml:5:12 error: dep "b\.txt" of stage "s" is also its out\n {2}hint: .*persist: true/);
    assert.match(messages(withDep([out('data')], 'data/x.csv'))[0] ?? '', /dep "data\/x\.csv" of stage "s" is inside its out "data"/);
    assert.match(messages(withDep([out('data/x.csv')], 'data'))[0] ?? '', /dep "data" of stage "s" contains its out "data\/x\.csv"/);
    assert.deepEqual(messages(withDep([out('log.txt', true)], 'log.txt')), []);
    assert.deepEqual(messages(withDep([out('other.txt')], 'b.txt')), []);
  });
});
