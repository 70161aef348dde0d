import assert from 'node:assert/strict';
import { chmod, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCli, spawnCli, stagesWithStatus } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const chain = (n: number) =>
  'stages:\n' +
  Array.from({ length: n }, (_, i) => {
    const dep = i === 0 ? 'seed.txt' : `out/s${i - 1}.txt`;
    return `  s${i}:\n    cmd: sleep 0.02 && cat ${dep} > out/s${i}.txt && echo ${i} >> out/s${i}.txt\n    deps: [${dep}]\n    outs: [out/s${i}.txt]\n`;
  }).join('');

describe('crash safety', () => {
  test('kill -9 at 20 moments: every next run completes, finished stages never rerun, outputs intact', async () => {
    const project = await tempProject({ 'pipeline.yaml': chain(50), 'seed.txt': 'seed\n' });
    try {
      for (let attempt = 0; attempt < 20; attempt++) {
        await project.write('seed.txt', `seed ${attempt}\n`);
        const child = spawnCli(project.root, ['run', '--json', '--no-run-cache']);
        let finished = 0;
        const killAfter = 1 + ((attempt * 7) % 45);
        await new Promise<void>((resolve) => {
          child.stdout!.on('data', (chunk: Buffer) => {
            finished += (chunk.toString().match(/"type":"stage","/g) ?? []).length;
            if (finished >= killAfter) resolve();
          });
          void child.then(() => resolve());
        });
        child.kill('SIGKILL');
        await child.catch(() => undefined);
        const rerun = await runCli(project.root, ['run', '--json', '--no-run-cache']);
        assert.equal(rerun.exitCode, 0, rerun.stderr);
        const ran = stagesWithStatus(rerun.events, 'ran').length;
        // Stages that finished before the kill were journaled and are not redone.
        assert.ok(ran <= 50 - Math.min(finished, killAfter) + 1, `attempt ${attempt}: ${ran} reran after ${finished} finished`);
        const last = await project.read('out/s49.txt');
        assert.equal(last.split('\n')[0], `seed ${attempt}`);
        assert.equal(last.trim().split('\n').length, 51);
        const status = await runCli(project.root, ['status', '--exit-code']);
        assert.equal(status.exitCode, 0, status.stdout);
      }
      const leftovers = await readdir(path.join(project.root, 'cache', 'tmp')).catch(() => []);
      assert.deepEqual(leftovers, []);
    } finally {
      await project.dispose();
    }
  });

  test('kill -9 of the engine also stops its running stages, SIGKILL for one that ignores SIGTERM', async () => {
    // `$$` in a stage command is its shell's pid, the leader of the stage's process group.
    const project = await tempProject({
      'pipeline.yaml':
        'stages:\n' +
        '  polite: {cmd: "echo $$ > polite.pgid && sleep 30 && echo late > polite.txt", outs: [polite.txt]}\n' +
        '  stubborn: {cmd: "trap \\"\\" TERM; echo $$ > stubborn.pgid && sleep 30 && echo late > stubborn.txt", outs: [stubborn.txt]}\n',
    });
    const groupAlive = (pgid: number): boolean => {
      try {
        process.kill(-pgid, 0);
        return true;
      } catch {
        return false;
      }
    };
    try {
      const child = spawnCli(project.root, ['run', '-j', '2', '--json']);
      const readGroup = async (name: string): Promise<number> => {
        for (;;) {
          const text = await project.read(name).catch(() => '');
          if (text.endsWith('\n')) return Number(text.trim());
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      };
      const groups = [await readGroup('polite.pgid'), await readGroup('stubborn.pgid')];
      assert.ok(groups.every(groupAlive));
      child.kill('SIGKILL');
      await child.catch(() => undefined);
      // While the stubborn stage has its grace period, no next run may start over it.
      const early = await runCli(project.root, ['run', '--no-wait']);
      assert.equal(early.exitCode, 75, early.stdout + early.stderr);
      assert.match(early.stderr, /stages of a dagmake run that was killed \(pid \d+\) are still being stopped/);
      const deadline = Date.now() + 20_000;
      while (groups.some(groupAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(groups.filter(groupAlive), [], 'stage process groups outlived the engine');
      const status = await runCli(project.root, ['status', '--json']);
      assert.equal(status.exitCode, 0, status.stderr);
    } finally {
      await project.dispose();
    }
  });

  test('a second run waits for the first, naming its pid; --no-wait fails at once', async () => {
    // The first run's stage holds the project until the test creates `release`, so the timing of
    // process start-ups on a loaded machine cannot decide the outcome.
    const project = await tempProject({
      'pipeline.yaml':
        'stages:\n  slow: {cmd: "while [ ! -f release ]; do sleep 0.05; done; echo x > x.txt", outs: [x.txt]}\n  other: {cmd: echo y > y.txt, outs: [y.txt]}\n',
    });
    try {
      const first = spawnCli(project.root, ['run', '--json', 'slow']);
      await new Promise<void>((resolve) => first.stdout!.on('data', (c: Buffer) => c.toString().includes('stage-start') && resolve()));
      const refused = await runCli(project.root, ['run', '--no-wait', 'other']);
      assert.equal(refused.exitCode, 75, 'a busy project is no usage error');
      assert.match(refused.stderr, new RegExp(`pid ${first.pid}`));
      assert.equal((await runCli(project.root, ['gc'])).exitCode, 75, 'gc refuses a busy project with the same code');
      const waiting = spawnCli(project.root, ['run', 'other']);
      let waitingErr = '';
      await new Promise<void>((resolve) =>
        waiting.stderr!.on('data', (c: Buffer) => {
          waitingErr += c.toString();
          if (/waiting for another dagmake run/.test(waitingErr)) resolve();
        }),
      );
      assert.equal((await project.read('y.txt').catch(() => 'absent')), 'absent', 'the second run waits before running anything');
      // Ctrl-C of a third, also waiting, run ends it at once; the first run is not disturbed.
      const interrupted = spawnCli(project.root, ['run', 'other']);
      await new Promise<void>((resolve) => interrupted.stderr!.on('data', (c: Buffer) => /waiting for another/.test(c.toString()) && resolve()));
      interrupted.kill('SIGINT');
      const stopped = await interrupted;
      assert.equal(stopped.exitCode, 130);
      assert.match(String(stopped.stderr), /nothing was run/);
      await writeFile(path.join(project.root, 'release'), '');
      assert.equal((await first).exitCode, 0);
      const waited = await waiting;
      assert.equal(waited.exitCode, 0);
      assert.equal(await project.read('y.txt'), 'y\n');
    } finally {
      await project.dispose();
    }
  });

  test('a corrupted cache object is never restored, and cache verify evicts it', async () => {
    const project = await tempProject({
      'pipeline.yaml': 'stages:\n  make:\n    cmd: cat input.txt input.txt > out.txt\n    deps: [input.txt]\n    outs: [out.txt]\n',
      'input.txt': 'one\n',
    });
    try {
      await runCli(project.root, ['run']);
      const original = await project.read('out.txt');
      await project.write('input.txt', 'two\n');
      await runCli(project.root, ['run']);
      const objects = path.join(project.root, 'cache', 'objects');
      // Corrupt the cached copy of the first output, keeping its size.
      const { createHash } = await import('node:crypto');
      const hash = createHash('sha256').update(original).digest('hex');
      const objectPath = path.join(objects, hash.slice(0, 2), hash.slice(2));
      await chmod(objectPath, 0o644);
      await writeFile(objectPath, original.replace('one', 'bad'));
      await project.write('input.txt', 'one\n');
      const restoredWithVerify = await runCli(project.root, ['run', '--json', '--verify']);
      assert.deepEqual(stagesWithStatus(restoredWithVerify.events, 'ran'), ['make']);
      assert.equal(await project.read('out.txt'), original);
      const verify = await runCli(project.root, ['cache', 'verify']);
      assert.equal(verify.exitCode, 0, 'the rerun replaced the corrupt object with a good one');
      await chmod(objectPath, 0o644);
      await writeFile(objectPath, 'short');
      const detected = await runCli(project.root, ['cache', 'verify']);
      assert.equal(detected.exitCode, 1);
      assert.match(detected.stdout, new RegExp(`corrupt: ${hash}`));
    } finally {
      await project.dispose();
    }
  });

  test('a deleted out whose cached copy --verify finds damaged is rerun, with a warning saying so', async () => {
    const project = await tempProject({
      'pipeline.yaml': 'stages:\n  make:\n    cmd: cat input.txt input.txt > out.txt\n    deps: [input.txt]\n    outs: [out.txt]\n',
      'input.txt': 'one\n',
    });
    try {
      await runCli(project.root, ['run']);
      const { createHash } = await import('node:crypto');
      const hash = createHash('sha256').update('one\none\n').digest('hex');
      const objectPath = path.join(project.root, 'cache', 'objects', hash.slice(0, 2), hash.slice(2));
      await chmod(objectPath, 0o644);
      await writeFile(objectPath, 'bad\nbad\n');
      await project.remove('out.txt');
      const result = await runCli(project.root, ['run', '--json', '--verify']);
      assert.deepEqual(stagesWithStatus(result.events, 'ran'), ['make']);
      const warnings = result.events.flatMap((e) => (e.type === 'warning' && e.stage === 'make' ? [e.message] : []));
      assert.ok(warnings.some((m) => /out\.txt/.test(m) && /damaged/.test(m)), warnings.join('\n'));
      assert.equal(await project.read('out.txt'), 'one\none\n');
    } finally {
      await project.dispose();
    }
  });

  test('gc keeps what the lock references and removes the rest', async () => {
    const project = await tempProject({
      'pipeline.yaml': 'stages:\n  make:\n    cmd: cp input.txt out.txt\n    deps: [input.txt]\n    outs: [out.txt]\n',
      'input.txt': 'first\n',
    });
    try {
      await runCli(project.root, ['run']);
      await project.write('input.txt', 'second\n');
      await runCli(project.root, ['run']);
      const dry = await runCli(project.root, ['gc', '--dry']);
      assert.match(dry.stdout, /would remove 1 object \(6 B\)/);
      const kept = await runCli(project.root, ['gc', '--keep-runs', '2']);
      assert.match(kept.stdout, /removed 0 objects/);
      const removed = await runCli(project.root, ['gc']);
      assert.match(removed.stdout, /removed 1 object \(/);
      await project.write('input.txt', 'first\n');
      const result = await runCli(project.root, ['run', '--json']);
      assert.deepEqual(stagesWithStatus(result.events, 'ran'), ['make'], 'the collected output is rebuilt, not restored');
      await project.write('input.txt', 'second\n');
      const restored = await runCli(project.root, ['run', '--json']);
      assert.deepEqual(stagesWithStatus(restored.events, 'ran'), ['make'], 'its run-cache entry went with it');
    } finally {
      await project.dispose();
    }
  });
});
