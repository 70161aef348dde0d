// Each pipeline file has its own lock, and a run of a pipeline drops the entries of stages it no
// longer has from that lock alone; gc keeps what any lock of the project references.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { appendJournal, journalPath } from '../../src/lock/journal.js';
import { lockText, readLock, writeLock } from '../../src/lock/lock-file.js';
import { isLockFileName, journalFileFor, lockFileFor, lockFileOfJournal, pipelineFilesOf } from '../../src/lock/lock-location.js';
import { LockSession } from '../../src/lock/lock-session.js';
import { readPipelineLock } from '../../src/lock/pipeline-lock.js';
import { readProjectLocks } from '../../src/lock/project-locks.js';
import type { LockFile, LockedStage } from '../../src/lock/types.js';

const hashOf = (n: number): string => n.toString(16).padStart(64, 'a');
const entry = (n: number): LockedStage => ({
  definition: hashOf(n),
  deps: [],
  params: {},
  outs: [{ path: `out/${n}.txt`, hash: hashOf(n + 100), size: n }],
});
const lockOf = (stages: Record<string, number>): LockFile => ({
  schema: 1,
  stages: Object.fromEntries(Object.entries(stages).map(([name, n]) => [name, entry(n)])),
});

let tmp: string;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dagmake-prune-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const newRoot = (): Promise<string> => mkdtemp(path.join(tmp, 'p-'));
const exists = (file: string): Promise<boolean> => stat(file).then(() => true, () => false);
const read = (root: string, name: string): Promise<string> => readFile(path.join(root, name), 'utf8');
const owner = (root: string, file: string, names: readonly string[]) => ({ file: path.join(root, file), stages: names.map((name) => ({ name })) });
const stagesIn = async (root: string, lockFile: string): Promise<string[]> => {
  const lock = await readLock(root, lockFile);
  assert.ok(lock.ok);
  return Object.keys(lock.value.stages).sort();
};

async function closeSession(root: string, file: string, names: readonly string[], record?: [string, number]): Promise<LockFile> {
  const opened = await LockSession.openForPipeline(owner(root, file, names));
  assert.ok(opened.ok);
  if (record) await opened.value.record(record[0], entry(record[1]));
  const closed = await opened.value.close();
  assert.ok(closed.ok);
  return closed.value;
}

describe('lock names', () => {
  it('pipeline.yaml keeps dagmake.lock; any other pipeline file has NAME.dagmake.lock beside it', () => {
    assert.equal(lockFileFor('/p/pipeline.yaml'), 'dagmake.lock');
    assert.equal(lockFileFor('/p/pipeline.wnut17.yaml'), 'pipeline.wnut17.dagmake.lock');
    assert.equal(lockFileFor('/p/other.yml'), 'other.dagmake.lock');
    assert.equal(lockFileFor('/p/dagmake.yaml'), 'dagmake.dagmake.lock', 'never dagmake.lock');
    assert.equal(lockFileFor('/p/poetry.yaml'), 'poetry.dagmake.lock', 'never another tool\'s lock name');
  });

  it('a lock names the pipeline files it can belong to', () => {
    assert.deepEqual(pipelineFilesOf('dagmake.lock'), ['pipeline.yaml']);
    assert.deepEqual(pipelineFilesOf('pipeline.wnut17.dagmake.lock'), ['pipeline.wnut17.yaml', 'pipeline.wnut17.yml']);
    for (const file of ['/p/pipeline.yaml', '/p/other.yml', '/p/dagmake.yaml']) assert.ok(pipelineFilesOf(lockFileFor(file)).includes(path.basename(file)));
  });

  it('lock names are recognised at the project root only, and journals map back to their lock', () => {
    assert.ok(isLockFileName('dagmake.lock'));
    assert.ok(isLockFileName('pipeline.wnut17.dagmake.lock'));
    assert.ok(!isLockFileName('outputs/x.dagmake.lock'));
    assert.ok(!isLockFileName('poetry.lock'));
    assert.equal(journalFileFor('dagmake.lock'), 'journal.ndjson');
    for (const lockFile of ['dagmake.lock', 'pipeline.wnut17.dagmake.lock']) assert.equal(lockFileOfJournal(journalFileFor(lockFile)), lockFile);
    assert.equal(lockFileOfJournal('journal.notes.ndjson'), undefined);
  });
});

describe('a run of one pipeline', () => {
  it('drops the entries of stages its pipeline no longer has, even when it records nothing', async () => {
    const root = await newRoot();
    await writeLock(root, lockOf({ keep: 1, removed: 2, renamed_old: 3 }));
    const status = await readPipelineLock(owner(root, 'pipeline.yaml', ['keep', 'renamed_new']));
    assert.ok(status.ok);
    assert.deepEqual(status.value.removed, ['removed', 'renamed_old'], 'named before the run, sorted');
    assert.deepEqual(await stagesIn(root, 'dagmake.lock'), ['keep', 'removed', 'renamed_old'], 'reading writes nothing');

    const closed = await closeSession(root, 'pipeline.yaml', ['keep', 'renamed_new']);
    assert.deepEqual(Object.keys(closed.stages), ['keep']);
    assert.equal(await read(root, 'dagmake.lock'), await lockText(lockOf({ keep: 1 })));
  });

  it('drops them when it records a stage too, and also those only its crashed predecessor journaled', async () => {
    const root = await newRoot();
    await writeLock(root, lockOf({ a: 1, gone: 2 }));
    await appendJournal(root, { stage: 'gone_too', locked: entry(3) });
    const closed = await closeSession(root, 'pipeline.yaml', ['a', 'b'], ['b', 4]);
    assert.deepEqual(Object.keys(closed.stages).sort(), ['a', 'b']);
    assert.deepEqual(await stagesIn(root, 'dagmake.lock'), ['a', 'b']);
    assert.equal(await exists(journalPath(root)), false);
  });

  it('never touches the lock or journal of another pipeline file in the same project', async () => {
    const root = await newRoot();
    await writeLock(root, lockOf({ a: 1 }));
    await writeLock(root, lockOf({ w_a: 5, w_b: 6 }), 'pipeline.w.dagmake.lock');
    await appendJournal(root, { stage: 'w_c', locked: entry(7) }, 'pipeline.w.dagmake.lock');
    const before = await read(root, 'pipeline.w.dagmake.lock');

    await closeSession(root, 'pipeline.yaml', ['a'], ['a', 2]);
    assert.equal(await read(root, 'pipeline.w.dagmake.lock'), before);
    assert.equal(await exists(journalPath(root, 'pipeline.w.dagmake.lock')), true, 'its crashed run is folded by its own next run');

    // Its own run, with w_b removed from its pipeline: the journaled w_c is kept, w_b dropped.
    const closed = await closeSession(root, 'pipeline.w.yaml', ['w_a', 'w_c']);
    assert.deepEqual(Object.keys(closed.stages).sort(), ['w_a', 'w_c']);
    assert.deepEqual(await stagesIn(root, 'pipeline.w.dagmake.lock'), ['w_a', 'w_c']);
    assert.deepEqual(await stagesIn(root, 'dagmake.lock'), ['a']);
  });

  it('leaves a lock without such entries untouched (a no-op run writes nothing)', async () => {
    const root = await newRoot();
    await writeLock(root, lockOf({ a: 1 }));
    const before = await stat(path.join(root, 'dagmake.lock'), { bigint: true });
    await closeSession(root, 'pipeline.yaml', ['a', 'never_ran']);
    const after = await stat(path.join(root, 'dagmake.lock'), { bigint: true });
    assert.equal(after.mtimeNs, before.mtimeNs);
  });

  it('LockSession.open(root) keeps every entry, as before', async () => {
    const root = await newRoot();
    await writeLock(root, lockOf({ a: 1, b: 2 }));
    const opened = await LockSession.open(root);
    assert.ok(opened.ok);
    await opened.value.record('c', entry(3));
    const closed = await opened.value.close();
    assert.deepEqual(closed.ok && Object.keys(closed.value.stages).sort(), ['a', 'b', 'c']);
  });
});

describe('a pipeline file whose lock does not exist yet', () => {
  it('takes its stages\' entries over from dagmake.lock (copied, not moved)', async () => {
    const root = await newRoot();
    await writeLock(root, lockOf({ main: 1, w_a: 5 }));
    await appendJournal(root, { stage: 'w_b', locked: entry(6) });
    const sharedBefore = await read(root, 'dagmake.lock');

    const status = await readPipelineLock(owner(root, 'pipeline.w.yaml', ['w_a', 'w_b', 'w_new']));
    assert.ok(status.ok);
    assert.deepEqual(Object.keys(status.value.lock.stages).sort(), ['w_a', 'w_b']);
    assert.deepEqual(status.value.removed, []);
    assert.equal(await exists(path.join(root, 'pipeline.w.dagmake.lock')), false, 'status writes nothing');

    await closeSession(root, 'pipeline.w.yaml', ['w_a', 'w_b', 'w_new']);
    assert.deepEqual(await stagesIn(root, 'pipeline.w.dagmake.lock'), ['w_a', 'w_b']);
    assert.equal(await read(root, 'dagmake.lock'), sharedBefore);

    // Once its lock exists, dagmake.lock is no longer consulted: w_a removed stays removed.
    await closeSession(root, 'pipeline.w.yaml', ['w_b']);
    assert.deepEqual(await stagesIn(root, 'pipeline.w.dagmake.lock'), ['w_b']);
  });
});

describe('readProjectLocks', () => {
  it('reads every lock of the project with its journal, and a journal whose lock was never written', async () => {
    const root = await newRoot();
    await writeLock(root, lockOf({ a: 1 }));
    await writeLock(root, lockOf({ w: 2 }), 'pipeline.w.dagmake.lock');
    await appendJournal(root, { stage: 'v', locked: entry(3) }, 'pipeline.v.dagmake.lock');
    await appendJournal(root, { stage: 'b', locked: entry(4) });
    const locks = await readProjectLocks(root);
    assert.ok(locks.ok);
    assert.deepEqual(locks.value.map(({ lock }) => Object.keys(lock.stages).sort()), [['a', 'b'], ['v'], ['w']]);
    assert.deepEqual((await readdir(root)).sort(), ['.dagmake', 'dagmake.lock', 'pipeline.w.dagmake.lock'], 'reads only');
  });
});
