import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readFile, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { acquireProjectMutex, projectLockPath } from '../../src/project-mutex.js';
import { makeTempDir } from './temp-dir.js';

// Run from source (tsx) or compiled (dist/): the child imports the same flavour of the module.
const fromSource = import.meta.url.endsWith('.ts');
const moduleUrl = new URL(`../../src/project-mutex.${fromSource ? 'ts' : 'js'}`, import.meta.url).href;
const repoRoot = fileURLToPath(new URL(fromSource ? '../../' : '../../../', import.meta.url));

const HOLDER = `
const { acquireProjectMutex } = await import(process.argv[1]);
const held = await acquireProjectMutex(process.argv[2], { wait: false });
if (!held.ok) process.exit(2);
process.stdout.write('held\\n');
process.stdin.once('data', () => process.exit(0));
`;

/** A child process that takes the project lock and exits (without releasing) when sent a line. */
async function spawnHolder(root: string): Promise<ChildProcess> {
  const args = [...(fromSource ? ['--import', 'tsx'] : []), '--input-type=module', '-e', HOLDER, moduleUrl, root];
  const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout!, 'data')) as [Buffer];
  assert.equal(line.toString().trim(), 'held');
  return child;
}

const deadPid = (): number => spawnSync(process.execPath, ['-e', '']).pid!;

test('a live holder makes acquire fail at once, or wait until the holder exits', async () => {
  const root = await makeTempDir();
  const first = await spawnHolder(root);
  first.stdin!.write('exit\n');
  await once(first, 'exit');
  await assert.rejects(stat(projectLockPath(root)), { code: 'ENOENT' }, 'released on process exit');

  const holder = await spawnHolder(root);
  const busy = await acquireProjectMutex(root, { wait: false });
  assert.equal(busy.ok, false);
  const diagnostic = busy.ok ? undefined : busy.error[0];
  assert.match(diagnostic?.message ?? '', new RegExp(`pid ${holder.pid}\\b`));
  assert.ok(diagnostic?.hint);

  const waitedFor: number[] = [];
  const acquired = await acquireProjectMutex(root, {
    wait: true,
    pollMs: 20,
    onWaiting(pid) {
      waitedFor.push(pid);
      holder.stdin!.write('exit\n');
    },
  });
  assert.equal(acquired.ok, true);
  assert.deepEqual(waitedFor, [holder.pid]);
  assert.equal(JSON.parse(await readFile(projectLockPath(root), 'utf8')).pid, process.pid);
  if (acquired.ok) await acquired.value.release();
  await assert.rejects(stat(projectLockPath(root)), { code: 'ENOENT' });
});

test('a stale lock of a dead process is taken over by exactly one contender', async () => {
  const root = await makeTempDir();
  await mkdir(join(root, '.dagmake'));
  const stale = { pid: deadPid(), startedAt: new Date(0).toISOString(), token: 'dead' };
  await writeFile(projectLockPath(root), JSON.stringify(stale));

  const contenders = await Promise.all([1, 2, 3].map(() => acquireProjectMutex(root, { wait: false })));
  assert.equal(contenders.filter((r) => r.ok).length, 1);
  for (const loser of contenders.filter((r) => !r.ok)) {
    assert.match(loser.ok ? '' : loser.error[0]!.message, new RegExp(`pid ${process.pid}\\b`));
  }
  const lock = JSON.parse(await readFile(projectLockPath(root), 'utf8'));
  assert.equal(lock.pid, process.pid);
  for (const winner of contenders) if (winner.ok) await winner.value.release();
});

test('an old half-written lock is taken over; release leaves a lock it does not own', async () => {
  const root = await makeTempDir();
  await mkdir(join(root, '.dagmake'));
  await writeFile(projectLockPath(root), '');
  const longAgo = new Date(Date.now() - 60_000);
  await utimes(projectLockPath(root), longAgo, longAgo);
  const acquired = await acquireProjectMutex(root, { wait: false });
  assert.equal(acquired.ok, true);

  const foreign = JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString(), token: 'someone-else' });
  await writeFile(projectLockPath(root), foreign);
  if (acquired.ok) await acquired.value.release();
  assert.equal(await readFile(projectLockPath(root), 'utf8'), foreign);
});
