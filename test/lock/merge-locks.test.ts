import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeLocks } from '../../src/lock/merge-locks.js';
import type { LockedStage, LockFile } from '../../src/lock/types.js';

const stage = (content: string, params: Record<string, unknown> = {}): LockedStage => ({
  definition: content.repeat(64).slice(0, 64),
  deps: [{ path: `${content}.in`, hash: 'a'.repeat(64), size: 1 }],
  params: { 'params.yaml': params },
  outs: [{ path: `${content}.out`, hash: 'b'.repeat(64), size: 2 }],
});
const lock = (stages: Record<string, LockedStage>): LockFile => ({ schema: 1, stages });

test('a stage only one side changed takes that side; one both sides changed alike is kept', () => {
  const base = lock({ a: stage('1'), b: stage('1'), same: stage('1') });
  const ours = lock({ a: stage('2'), b: stage('1'), same: stage('3') });
  const theirs = lock({ a: stage('1'), b: stage('4'), same: stage('3') });
  const { lock: merged, dropped } = mergeLocks(base, ours, theirs);
  assert.deepEqual(merged.stages, { a: stage('2'), b: stage('4'), same: stage('3') });
  assert.deepEqual(dropped, []);
});

test('a stage both sides changed differently is left out and named', () => {
  const base = lock({ a: stage('1'), keep: stage('1') });
  const ours = lock({ a: stage('2'), keep: stage('1') });
  const theirs = lock({ a: stage('3'), keep: stage('1') });
  const { lock: merged, dropped } = mergeLocks(base, ours, theirs);
  assert.deepEqual(Object.keys(merged.stages), ['keep']);
  assert.deepEqual(dropped, ['a']);
});

test('added and removed stages: one side\'s removal wins over an unchanged entry, not over a changed one', () => {
  const base = lock({ gone: stage('1'), modifiedAndRemoved: stage('1') });
  const ours = lock({ modifiedAndRemoved: stage('2'), added: stage('5') });
  const theirs = lock({ addedOnBoth: stage('6') });
  const { lock: merged, dropped } = mergeLocks(base, ours, theirs);
  assert.deepEqual(Object.keys(merged.stages).sort(), ['added', 'addedOnBoth']);
  assert.deepEqual(dropped, ['modifiedAndRemoved']);
  const twice = mergeLocks(lock({}), lock({ x: stage('1') }), lock({ x: stage('2') }));
  assert.deepEqual([Object.keys(twice.lock.stages), twice.dropped], [[], ['x']], 'added on both sides, differently');
});

test('entries that differ only in order are the same entry', () => {
  const two: LockedStage = {
    definition: 'd'.repeat(64),
    deps: [
      { path: 'x', hash: 'a'.repeat(64), size: 1 },
      { path: 'y', hash: 'b'.repeat(64), size: 1 },
    ],
    params: { 'p.yaml': { b: 1, a: 2 } },
    outs: [],
  };
  const reordered: LockedStage = { ...two, deps: [...two.deps].reverse(), params: { 'p.yaml': { a: 2, b: 1 } } };
  const { dropped, lock: merged } = mergeLocks(lock({ s: stage('1') }), lock({ s: two }), lock({ s: reordered }));
  assert.deepEqual(dropped, []);
  assert.ok(merged.stages.s);
});
