// A run that died leaves .dagmake/run.lock behind with its pid, which the system may since have
// given to an unrelated process: that lock must not block runs forever, and a live run's lock
// must never be taken over.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { processStartTicks } from '../../src/process-start.js';
import { acquireProjectMutex, liveLockHolder, projectLockPath } from '../../src/project-mutex.js';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';
import { makeTempDir } from './temp-dir.js';

const linux = existsSync('/proc/self/stat');
const children: ChildProcess[] = [];
after(() => children.forEach((child) => child.kill('SIGKILL')));

/** A live process that is no dagmake run, started now. */
function liveStranger(): number {
  const child = spawn('sleep', ['60'], { stdio: 'ignore' });
  children.push(child);
  return child.pid!;
}

async function writeRunLock(root: string, content: object): Promise<void> {
  await mkdir(join(root, '.dagmake'), { recursive: true });
  await writeFile(projectLockPath(root), JSON.stringify(content));
}

const aMinuteAgo = () => new Date(Date.now() - 60_000).toISOString();

describe('a run lock whose pid now belongs to another process', { skip: !linux && 'needs /proc' }, () => {
  test('is taken over when that process started after the lock was written', async () => {
    const root = await makeTempDir();
    await writeRunLock(root, { pid: liveStranger(), startedAt: aMinuteAgo(), token: 'crashed' });
    assert.equal(await liveLockHolder(root), undefined, 'status does not report a run in progress');
    const acquired = await acquireProjectMutex(root, { wait: false });
    assert.ok(acquired.ok, acquired.ok ? '' : acquired.error[0]!.message);
    assert.equal(JSON.parse(await readFile(projectLockPath(root), 'utf8')).pid, process.pid);
    await acquired.value.release();
  });

  test('is taken over when its recorded start differs from the live process', async () => {
    const root = await makeTempDir();
    const pid = liveStranger();
    // The start time says nothing here (written now), the recorded start ticks do.
    await writeRunLock(root, { pid, startedAt: new Date(Date.now() + 60_000).toISOString(), token: 'crashed', startTicks: 1 });
    const acquired = await acquireProjectMutex(root, { wait: false });
    assert.ok(acquired.ok);
    await acquired.value.release();
  });

  test('records the holder start, which keeps a live holder holding', async () => {
    const root = await makeTempDir();
    const held = await acquireProjectMutex(root, { wait: false });
    assert.ok(held.ok);
    assert.equal(JSON.parse(await readFile(projectLockPath(root), 'utf8')).startTicks, processStartTicks(process.pid));
    await held.value.release();

    const pid = liveStranger();
    const startTicks = processStartTicks(pid);
    assert.ok(startTicks !== undefined);
    await writeRunLock(root, { pid, startedAt: aMinuteAgo(), token: 'live', startTicks });
    assert.equal((await acquireProjectMutex(root, { wait: false })).ok, false);
    assert.equal((await liveLockHolder(root))?.pid, pid);
  });

  test('is not taken over when the process started before the lock was written', async () => {
    const root = await makeTempDir();
    const pid = liveStranger();
    await writeRunLock(root, { pid, startedAt: new Date().toISOString(), token: 'live' });
    const refused = await acquireProjectMutex(root, { wait: false });
    assert.equal(refused.ok, false);
    assert.match(refused.ok ? '' : refused.error[0]!.message, new RegExp(`pid ${pid}\\b`));
  });

  test('is taken over when its holder was killed and is left unreaped (a zombie)', async () => {
    // The shell's background child exits after the shell has become a sleep, which never reaps it.
    // (A child that exits at once can be reaped by the shell itself before its exec.)
    const parent = spawn('sh', ['-c', 'sleep 1 & echo $!; exec sleep 60'], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(parent);
    const zombie = Number(await new Promise<string>((resolve) => parent.stdout!.once('data', (chunk: Buffer) => resolve(chunk.toString()))));
    while (!/^\S+ \(.*\) Z /.test(await readFile(`/proc/${zombie}/stat`, 'utf8'))) await new Promise((resolve) => setTimeout(resolve, 10));
    const root = await makeTempDir();
    await writeRunLock(root, { pid: zombie, startedAt: new Date().toISOString(), token: 'killed', startTicks: processStartTicks(zombie) });
    assert.equal(await liveLockHolder(root), undefined);
    const acquired = await acquireProjectMutex(root, { wait: false });
    assert.ok(acquired.ok, acquired.ok ? '' : acquired.error[0]!.message);
    await acquired.value.release();
  });

  test('dagmake run takes it over and runs; against a live holder --no-wait exits 75', async () => {
    const project = await tempProject({ 'pipeline.yaml': 'stages:\n  s: {cmd: echo 1 > s.out, outs: [s.out]}\n' });
    try {
      await writeRunLock(project.root, { pid: liveStranger(), startedAt: aMinuteAgo(), token: 'crashed' });
      const run = await runCli(project.root, ['run', '--no-wait']);
      assert.equal(run.exitCode, 0, run.stderr);
      assert.equal(await project.read('s.out'), '1\n');

      const holder = liveStranger();
      await writeRunLock(project.root, { pid: holder, startedAt: new Date().toISOString(), token: 'live' });
      const busy = await runCli(project.root, ['run', '--no-wait']);
      assert.equal(busy.exitCode, 75, busy.stderr);
      assert.match(busy.stderr, new RegExp(`another dagmake run \\(pid ${holder},`));
    } finally {
      await project.dispose();
    }
  });
});
