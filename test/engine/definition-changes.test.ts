import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeDefinitionChanges } from '../../src/engine/definition-changes.js';
import type { DefinitionParts } from '../../src/engine/fingerprint.js';

const base: DefinitionParts = {
  cmd: null,
  uses: 'stages/train.ts',
  modules: [
    { path: 'stages/lib/a.ts', hash: '1' },
    { path: 'stages/train.ts', hash: '2' },
  ],
  with: { model: { width: 64, layers: [1, 2] }, seed: 1 },
  env: {},
  wdir: '.',
  outs: [{ path: 'out/model', kind: 'outs', cache: true, persist: false }],
};

test('identical parts have no changes', () => {
  assert.deepEqual(describeDefinitionChanges(base, structuredClone(base)), []);
});

test('module edits, new and dropped imports, nested with values, outs and resume are each named', () => {
  const now: DefinitionParts = {
    ...base,
    modules: [
      { path: 'stages/lib/b.ts', hash: '3' },
      { path: 'stages/train.ts', hash: '9' },
    ],
    with: { model: { width: 128, layers: [1, 2, 3] }, tag: 'x' },
    outs: [
      { path: 'out/model', kind: 'outs', cache: false, persist: false },
      { path: 'out/log.txt', kind: 'outs', cache: true, persist: false },
    ],
    resume: true,
  };
  assert.deepEqual(describeDefinitionChanges(base, now), [
    'stages/train.ts edited',
    'now imports stages/lib/b.ts',
    'no longer imports stages/lib/a.ts',
    'with.model.layers [1,2] → [1,2,3]',
    'with.model.width 64 → 128',
    'with.seed 1 → unset',
    'with.tag unset → "x"',
    'new out out/log.txt',
    'options of out out/model changed',
    'resume turned on',
  ]);
});

test('commands: one line shows both, several lines name the first that differs, long text is cut', () => {
  const command = (cmd: string[]): DefinitionParts => ({ ...base, uses: null, modules: [], cmd });
  assert.deepEqual(describeDefinitionChanges(command(['make a']), command(['make b'])), ['command "make a" → "make b"']);
  assert.deepEqual(describeDefinitionChanges(command(['prep', 'make a']), command(['prep', 'make b'])), ['command line 2 "make a" → "make b"']);
  assert.deepEqual(describeDefinitionChanges(command(['prep']), command(['prep', 'more'])), ['command lines 1 → 2']);
  const [long] = describeDefinitionChanges(command(['x'.repeat(100)]), command(['y']));
  assert.match(long!, /^command "x{58}… → "y"$/);
  assert.deepEqual(describeDefinitionChanges(base, command(['make'])), ['now runs a command', 'module stages/train.ts → none', 'no longer imports stages/lib/a.ts, stages/train.ts']);
});
