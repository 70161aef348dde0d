// gc in one project must never collect what a run of another project sharing the cache is
// writing: not even a project's first run, which no gc can know of from its records yet. gc is
// held inside its collection here by the lock of a third project that is a FIFO: gc reads it
// while it holds the cache, and goes on only when the test writes it.
import assert from 'node:assert/strict';
import { execa } from 'execa';
import { once } from 'node:events';
import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { runCli, spawnCli } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const pipeline = (text: string) => `stages:\n  make: {cmd: echo ${text} > out.txt, outs: [out.txt]}\n`;

/** Starts gc in `collector` and returns once it is inside its collection, reading `held`'s lock. */
async function gcHeldOpen(collector: TempProject, held: TempProject, env: Record<string, string>) {
  const lockText = await held.read('dagmake.lock');
  await held.remove('dagmake.lock');
  await execa('mkfifo', [path.join(held.root, 'dagmake.lock')]);
  const gc = spawnCli(collector.root, ['gc'], env);
  // Opening a FIFO for writing returns once its reader, gc, has opened it.
  const fifo = await open(path.join(held.root, 'dagmake.lock'), 'w');
  return {
    gc,
    async finish() {
      await fifo.writeFile(lockText);
      await fifo.close();
      return gc;
    },
  };
}

/**
 * Three projects sharing one cache: b and c have run, and gc in b is held inside its collection;
 * a has never run.
 */
async function gcInAnotherProject() {
  const shared = await mkdtemp(path.join(tmpdir(), 'dagmake-shared-cache-'));
  const [a, b, c] = (await Promise.all(['a', 'b', 'c'].map((name) => tempProject({ 'pipeline.yaml': pipeline(name) })))) as [TempProject, TempProject, TempProject];
  const env = { DAGMAKE_CACHE_DIR: shared };
  const dispose = () => Promise.all([a.dispose(), b.dispose(), c.dispose(), rm(shared, { recursive: true, force: true })]);
  try {
    for (const project of [b, c]) assert.equal((await runCli(project.root, ['run'], env)).exitCode, 0);
    return { shared, a, b, c, held: await gcHeldOpen(b, c, env), env, dispose };
  } catch (error) {
    await dispose();
    throw error;
  }
}

test("a project's first run waits for a gc that another project sharing the cache runs", async () => {
  const { shared, a, b, c, held, env, dispose } = await gcInAnotherProject();
  try {

    // a has never run: gc cannot know of it, so a must not write into the cache while gc collects.
    const first = spawnCli(a.root, ['run'], env);
    let stderr = '';
    const waiting = new Promise<void>((resolve) => {
      first.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        if (stderr.includes('waiting for')) resolve();
      });
    });
    await Promise.race([waiting, once(first, 'exit')]);

    const collected = await held.finish();
    assert.equal(collected.exitCode, 0, String(collected.stderr));
    const ran = await first;
    assert.equal(ran.exitCode, 0, String(ran.stderr));
    const verified = await runCli(a.root, ['cache', 'verify'], env);
    assert.equal(verified.exitCode, 0, verified.stdout + verified.stderr);
    assert.match(verified.stdout, /the 1 out the locks record is in the cache/);
    assert.match(stderr, new RegExp(`waiting for gc in ${b.root} \\(pid \\d+\\) to finish with the cache`));

    // Now a is a recorded user: the gc its run waits for still reads a's lock, and finishes.
    await c.remove('dagmake.lock');
    assert.equal((await runCli(c.root, ['run'], env)).exitCode, 0);
    const again = await gcHeldOpen(b, c, env);
    const second = spawnCli(a.root, ['run', '--force'], env);
    let secondErr = '';
    await new Promise<void>((resolve) => {
      second.stderr!.on('data', (chunk: Buffer) => {
        secondErr += chunk.toString();
        if (secondErr.includes('waiting for')) resolve();
      });
      void second.then(() => resolve());
    });
    const collectedAgain = await again.finish();
    assert.equal(collectedAgain.exitCode, 0, String(collectedAgain.stderr));
    assert.match(String(collectedAgain.stdout), new RegExp(`kept what ${a.root} records too`));
    assert.equal((await second).exitCode, 0);
    assert.match(secondErr, /waiting for gc in /);
  } finally {
    await dispose();
  }
});

test('a run with --no-wait and a second gc exit 75 while gc in another project holds the cache, and a gc killed with -9 holds nothing', async () => {
  const { shared, a, b, held, env, dispose } = await gcInAnotherProject();
  try {
    const refused = await runCli(a.root, ['run', '--no-wait'], env);
    assert.equal(refused.exitCode, 75, refused.stdout + refused.stderr);
    assert.match(refused.stderr, new RegExp(`gc in ${b.root} \\(pid \\d+\\) is using the cache ${shared}`));
    assert.doesNotMatch(refused.stderr, /\n\s+at /, 'no stack trace');
    const secondGc = await runCli(a.root, ['gc'], env);
    assert.equal(secondGc.exitCode, 75, secondGc.stdout + secondGc.stderr);
    assert.match(secondGc.stderr, new RegExp(`error: gc in ${b.root} \\(pid \\d+\\) is using the cache ${shared}`));

    held.gc.kill('SIGKILL');
    await held.gc;
    const ran = await runCli(a.root, ['run', '--no-wait'], env);
    assert.equal(ran.exitCode, 0, ran.stdout + ran.stderr);
    assert.equal(await readFile(path.join(a.root, 'out.txt'), 'utf8'), 'a\n');
  } finally {
    await dispose();
  }
});
