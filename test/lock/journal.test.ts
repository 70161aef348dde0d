import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appendJournal, foldJournal, journalPath, JournalWriter, readJournal } from '../../src/lock/journal.js';
import { lockText as renderLock, readLock, writeLock } from '../../src/lock/lock-file.js';
import { LockSession } from '../../src/lock/lock-session.js';
import type { LockFile, LockedStage } from '../../src/lock/types.js';

const hashOf = (n: number): string => n.toString(16).padStart(64, 'f');
const stageState = (n: number): LockedStage => ({
  definition: hashOf(n),
  deps: [
    { path: 'data/common', hash: hashOf(7), size: 3, nfiles: 2 },
    { path: `data/in-${n}`, hash: hashOf(n + 1), size: n },
  ],
  params: { 'params.yaml': { seed: n } },
  outs: [{ path: `out/${n}`, hash: hashOf(n + 2), size: n + 1, nfiles: 1 }],
});

let tmp: string;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dagmake-journal-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const newRoot = (): Promise<string> => mkdtemp(path.join(tmp, 'p-'));
const exists = (file: string): Promise<boolean> => stat(file).then(() => true, () => false);
const lockText = (root: string): Promise<string> => readFile(path.join(root, 'dagmake.lock'), 'utf8');

describe('journal', () => {
  it('appends made while a write is in flight are written together, in order, each resolving once durable', async () => {
    const root = await newRoot();
    const writer = new JournalWriter(root);
    const settled: number[] = [];
    const appends = Array.from({ length: 50 }, (_, n) =>
      writer.append({ stage: `s${n}`, locked: stageState(n) }).then(() => {
        settled.push(n);
      }),
    );
    await Promise.all(appends);
    // Resolution of an append means its line is in the file.
    const lines = (await readFile(journalPath(root), 'utf8')).trim().split('\n');
    assert.equal(lines.length, 50);
    assert.deepEqual(lines.map((l) => JSON.parse(l).stage), Array.from({ length: 50 }, (_, n) => `s${n}`));
    assert.deepEqual(settled, Array.from({ length: 50 }, (_, n) => n));
    await writer.append({ stage: 'after', locked: null });
    await writer.close();
    const entries = await readJournal(root);
    assert.equal(entries.ok && entries.value.length, 51);
  });

  it('folds appended entries into the lock and removes the journal', async () => {
    const root = await newRoot();
    await writeLock(root, { schema: 1, stages: { old: stageState(1), gone: stageState(2) } });
    await appendJournal(root, { stage: 'new', locked: stageState(3) });
    await appendJournal(root, { stage: 'gone', locked: null });
    await appendJournal(root, { stage: 'old', locked: stageState(4) });
    const folded = await foldJournal(root);
    const expected: LockFile = { schema: 1, stages: { new: stageState(3), old: stageState(4) } };
    assert.ok(folded.ok);
    assert.equal(await renderLock(folded.value), await renderLock(expected));
    assert.equal(await lockText(root), await renderLock(expected));
    assert.equal(await exists(journalPath(root)), false);
  });

  it('ignores a last line cut short by a crash', async () => {
    const root = await newRoot();
    await appendJournal(root, { stage: 'a', locked: stageState(1) });
    const full = JSON.stringify({ stage: 'b', locked: stageState(2) });
    await appendFile(journalPath(root), full.slice(0, full.length / 2));
    const entries = await readJournal(root);
    assert.deepEqual(entries.ok && entries.value.map((e) => e.stage), ['a']);
    const folded = await foldJournal(root);
    assert.deepEqual(folded.ok && Object.keys(folded.value.stages), ['a']);
  });

  it('drops a partial last line before appending after it', async () => {
    const root = await newRoot();
    await appendJournal(root, { stage: 'a', locked: stageState(1) });
    await appendFile(journalPath(root), '{"stage": "b", "lock');
    await appendJournal(root, { stage: 'c', locked: stageState(3) });
    const entries = await readJournal(root);
    assert.deepEqual(entries.ok && entries.value.map((e) => e.stage), ['a', 'c']);
  });

  it('reports a corrupt line that is not the last', async () => {
    const root = await newRoot();
    await appendJournal(root, { stage: 'a', locked: stageState(1) });
    await appendFile(journalPath(root), '{"stage": "b", "locked": {"definition": "x"}}\n');
    await appendJournal(root, { stage: 'c', locked: stageState(3) });
    const folded = await foldJournal(root);
    assert.ok(!folded.ok);
    assert.deepEqual(folded.error[0]!.location, { file: '.dagmake/journal.ndjson', line: 2, col: 1 });
    assert.match(folded.error[0]!.hint ?? '', /delete \.dagmake\/journal\.ndjson/);
    assert.equal(await exists(journalPath(root)), true, 'left for the user to inspect');
  });

  it('is idempotent: folding twice gives the same bytes', async () => {
    const root = await newRoot();
    await appendJournal(root, { stage: 'a', locked: stageState(1) });
    const first = await foldJournal(root);
    const text = await lockText(root);
    const second = await foldJournal(root);
    assert.deepEqual(second, first);
    assert.equal(await lockText(root), text);
  });

  it('reaches the same lock when killed after writing the lock but before removing the journal', async () => {
    const root = await newRoot();
    await writeLock(root, { schema: 1, stages: { keep: stageState(9) } });
    for (const [stage, n] of [['a', 1], ['b', 2], ['a', 3]] as const) await appendJournal(root, { stage, locked: stageState(n) });
    await appendJournal(root, { stage: 'keep', locked: null });
    const journal = await readFile(journalPath(root));
    const folded = await foldJournal(root);
    const expected = await lockText(root);
    // The crash: new lock in place, journal still there.
    await writeFile(journalPath(root), journal);
    const again = await foldJournal(root);
    assert.deepEqual(again, folded);
    assert.equal(await lockText(root), expected);
    assert.deepEqual(Object.keys(folded.ok ? folded.value.stages : {}).sort(), ['a', 'b']);
    assert.deepEqual(folded.ok && folded.value.stages.a, stageState(3));
  });

  it('keeps the old lock intact when killed before the rename (stray temp file)', async () => {
    const root = await newRoot();
    await writeLock(root, { schema: 1, stages: { a: stageState(1) } });
    const before = await lockText(root);
    await appendJournal(root, { stage: 'b', locked: stageState(2) });
    await writeFile(path.join(root, '.dagmake.lock.123abc.tmp'), 'schema: 1\nstages:\n  half');
    assert.equal(await lockText(root), before);
    const folded = await foldJournal(root);
    assert.deepEqual(folded.ok && Object.keys(folded.value.stages), ['a', 'b']);
  });

  it('does nothing without a journal', async () => {
    const root = await newRoot();
    assert.deepEqual(await foldJournal(root), { ok: true, value: { schema: 1, stages: {} } });
    assert.equal(await exists(path.join(root, 'dagmake.lock')), false);
  });
});

describe('LockSession', () => {
  it('folds leftovers on open, records, and writes the lock once on close', async () => {
    const root = await newRoot();
    await appendJournal(root, { stage: 'leftover', locked: stageState(5) });
    const opened = await LockSession.open(root);
    assert.ok(opened.ok);
    const session = opened.value;
    assert.equal(await exists(journalPath(root)), false);
    assert.deepEqual(session.get('leftover'), stageState(5));

    await session.record('x', stageState(6));
    assert.deepEqual(session.get('x'), stageState(6));
    assert.deepEqual((await readLock(root)).ok && Object.keys((await readLock(root) as { value: LockFile }).value.stages), ['leftover']);
    const journaled = await readJournal(root);
    assert.deepEqual(journaled.ok && journaled.value, [{ stage: 'x', locked: stageState(6) }], 'durable before close');

    const unsorted = stageState(8);
    await session.record('y', { ...unsorted, deps: [...unsorted.deps].reverse() });
    assert.deepEqual(session.get('y'), stageState(8), 'kept in the canonical order');

    const closed = await session.close();
    assert.deepEqual(closed.ok && Object.keys(closed.value.stages).sort(), ['leftover', 'x', 'y']);
    assert.equal(await exists(journalPath(root)), false);
    await assert.rejects(session.record('y', null), /closed/);
  });

  it('500 concurrent records then close produce the right lock', async () => {
    const root = await newRoot();
    await mkdir(path.join(root, '.dagmake'));
    const opened = await LockSession.open(root);
    assert.ok(opened.ok);
    const session = opened.value;
    const expected: Record<string, LockedStage> = {};
    const records: Promise<void>[] = [];
    for (let i = 0; i < 500; i++) {
      const stage = `s${i % 200}`;
      // Each stage's last state wins; every fifth stage ends removed.
      const locked = i >= 400 && i % 5 === 0 ? null : stageState(i);
      if (locked) expected[stage] = locked;
      else delete expected[stage];
      records.push(session.record(stage, locked));
    }
    await Promise.all(records);
    assert.equal((await readFile(journalPath(root), 'utf8')).split('\n').length, 501);
    const closed = await session.close();
    assert.ok(closed.ok);
    assert.equal(await lockText(root), await renderLock({ schema: 1, stages: expected }));
    assert.equal(Object.keys(closed.value.stages).length, Object.keys(expected).length);
  });
});
