import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { runCommands } from '../../src/run/run-command.js';
import { isPlainCommand, mayLeaveBackground, shellJobLine } from '../../src/run/shell-job.js';
import type { StageOutputSink } from '../../src/run/stage-process.js';

interface Captured {
  lines: { stream: string; line: string }[];
  progress: unknown[];
  sink: StageOutputSink;
}

function capture(): Captured {
  const captured: Captured = {
    lines: [],
    progress: [],
    sink: {
      line: (stream, line) => captured.lines.push({ stream, line }),
      progress: (p) => captured.progress.push(p),
      metric: () => undefined,
    },
  };
  return captured;
}

const baseEnv = (): Record<string, string> =>
  Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));

async function run(commands: string[], cwd: string, env: Record<string, string> = {}) {
  const out = capture();
  const exit = await runCommands({ commands, cwd, env: { ...baseEnv(), ...env }, sink: out.sink }).done;
  return { exit, lines: out.lines, progress: out.progress };
}

describe('shell jobs', () => {
  test('plain commands are those make would exec without a shell', () => {
    assert.equal(isPlainCommand('cp in/0.txt out/0.txt'), true);
    assert.equal(isPlainCommand('python3 train.py --lr=0.1 -v'), true);
    for (const command of ['sleep 0.25 > out/0.txt', 'sort < in.txt >> out.txt 2>&1', 'tool 2>err.log >out.log', 'tool 2> err.log']) {
      assert.equal(isPlainCommand(command), true, command);
    }
    const notPlain = ['echo hi', 'cd x', 'a && b', 'cat "x y"', 'ls *.txt', 'echo $HOME', 'A=1 run', 'exit 3', '~/bin/tool'];
    const notPlainRedirections = ['> out cmd', 'cmd >', 'cmd > $OUT', 'cat <<EOF', 'cmd > a|b', 'cmd 2>&1x', 'exec > log', 'cmd x>y'];
    for (const command of [...notPlain, ...notPlainRedirections]) {
      assert.equal(isPlainCommand(command), false, command);
    }
  });

  test('env applies to one job; a multi-line command has no single-line form', () => {
    assert.equal(shellJobLine('cp a b', '/p', { X: "it's" }), `cd -- '/p' && X='it'\\''s' cp a b`);
    assert.equal(shellJobLine('echo "$X"', '/p', { X: '1' }), `cd -- '/p' && ( export X='1'; eval 'echo "$X"' )`);
    assert.equal(shellJobLine('echo a\necho b', '/p', {}), undefined);
    assert.equal(shellJobLine('cp a b', '/p', { X: '1' }, true), `X='1' cp a b`);
    assert.equal(shellJobLine('echo "$X"', '/p', {}, true), `( eval 'echo "$X"' )`);
  });
});

describe('running commands', () => {
  test('output lines keep their stream, empty lines and a last line without newline', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dagmake-run-'));
    try {
      const result = await run([`printf 'one\\n\\ntwo\\n\\n'; printf 'err' >&2`, `printf 'last'`], dir);
      assert.deepEqual(result.exit, { ok: true });
      // The two streams are separate pipes: order holds within a stream, not across them.
      const of = (stream: string) => result.lines.filter((l) => l.stream === stream).map((l) => l.line);
      assert.deepEqual(of('stdout'), ['one', '', 'two', '', 'last']);
      assert.deepEqual(of('stderr'), ['err']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('protocol lines become progress; a failing command reports its code and output tail', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dagmake-run-'));
    try {
      const result = await run(['echo "::dagmake progress current=2 total=5"', 'echo boom >&2; exit 3', 'touch never'], dir);
      assert.deepEqual(result.progress, [{ current: 2, total: 5 }]);
      assert.equal(result.exit.ok, false);
      assert.equal(!result.exit.ok && result.exit.failure.exitCode, 3);
      assert.deepEqual(!result.exit.ok && result.exit.failure.tail, ['boom']);
      assert.equal(!result.exit.ok && result.exit.failure.message, 'command 2 of 3 failed with exit code 3: echo boom >&2; exit 3');
      await assert.rejects(readFile(path.join(dir, 'never')));
      const single = await run(['false'], dir);
      assert.equal(!single.exit.ok && single.exit.failure.message, 'command failed with exit code 1: false');
      const script = await run(['true', 'echo one\nexit 4'], dir);
      assert.equal(!script.exit.ok && script.exit.failure.message, 'command 2 of 2 failed with exit code 4: echo one …');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a command the shell cannot find or cannot execute says so, in the shell and in a script of its own', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dagmake-run-'));
    try {
      await writeFile(path.join(dir, 'script.sh'), 'echo hi\n');
      const notFound = await run(['pythn-dagmake-missing train.py'], dir);
      assert.equal(!notFound.exit.ok && notFound.exit.failure.exitCode, 127);
      assert.match(!notFound.exit.ok ? notFound.exit.failure.message : '', /^command failed with exit code 127: pythn-dagmake-missing train\.py; hint: the shell did not find a command .*on PATH/);
      const script = await run(['true', 'echo one\npythn-dagmake-missing'], dir);
      assert.match(!script.exit.ok ? script.exit.failure.message : '', /exit code 127: echo one …; hint: the shell did not find/);
      const notExecutable = await run(['./script.sh'], dir);
      assert.match(!notExecutable.exit.ok ? notExecutable.exit.failure.message : '', /exit code 126: \.\/script\.sh; hint: .*chmod \+x/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('output of a process a job left in the background never reaches a later job', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dagmake-run-'));
    try {
      const left = await run(['(sleep 0.3; echo late-output; echo late-error >&2) & echo started'], dir);
      assert.deepEqual(left.exit, { ok: true });
      assert.deepEqual(left.lines, [{ stream: 'stdout', line: 'started' }]);
      // Later jobs outlive the background process, on whichever shell the pool hands out.
      const later = await Promise.all([run(['sleep 0.6; echo one'], dir), run(['sleep 0.6; echo two'], dir)]);
      assert.deepEqual(later.map((r) => r.lines), [[{ stream: 'stdout', line: 'one' }], [{ stream: 'stdout', line: 'two' }]]);
      for (const [command, leaves] of [
        ['server & echo x', true],
        ['server&', true],
        ['a && b 2>&1 >&2 <&0 &>log', false],
        ["echo 'a&b'", true],
      ] as const) {
        assert.equal(mayLeaveBackground(command), leaves, command);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a job cannot change the shell the next job runs in', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dagmake-run-'));
    try {
      // Many rounds, so the same pooled shell serves jobs of both kinds.
      for (let round = 0; round < 5; round++) {
        const changed = await run(['cd /; set -x; trap "" TERM; X_LEAK=1; export Y_LEAK=1; alias ls=false; umask 077'], dir, { STAGE_ONLY: 'a' });
        assert.deepEqual(changed.exit, { ok: true });
        const probe = await run(['echo "$PWD|${X_LEAK-}|${Y_LEAK-}|${STAGE_ONLY-}|$(umask)|$#"; ls >/dev/null'], dir);
        assert.deepEqual(probe.exit, { ok: true });
        const umask = process.umask().toString(8).padStart(4, '0');
        assert.deepEqual(probe.lines, [{ stream: 'stdout', line: `${dir}||||${umask}|0` }]);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a shell known to be in the project root gets no cd; any other directory, or a failed job, gets one again', async () => {
    const root = await mkdtemp(path.join(tmpdir(), 'dagmake-run-'));
    const sub = path.join(root, 'sub');
    try {
      await mkdir(sub);
      const where = async (cwd: string, cwdIsRoot: boolean, command = 'pwd') => {
        const out = capture();
        const exit = await runCommands({ commands: [command], cwd, cwdIsRoot, env: baseEnv(), sink: out.sink }).done;
        return { exit, lines: out.lines.map((l) => l.line) };
      };
      assert.deepEqual((await where(root, true)).lines, [root]);
      assert.deepEqual((await where(root, true)).lines, [root]);
      assert.deepEqual((await where(sub, false)).lines, [sub]);
      assert.deepEqual((await where(root, true)).lines, [root]);
      assert.equal((await where(root, true, 'false')).exit.ok, false);
      assert.deepEqual((await where(sub, false)).lines, [sub]);
      assert.deepEqual((await where(root, true)).lines, [root]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  test('plain commands run with the stage env and in its directory; stdin is empty', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dagmake-run-'));
    try {
      await writeFile(path.join(dir, 'show.sh'), 'echo "$DAGMAKE_STAGE $(pwd) $(cat)"\n');
      const result = await run(['sh show.sh'], dir, { DAGMAKE_STAGE: 'build' });
      assert.deepEqual(result.lines, [{ stream: 'stdout', line: `build ${dir} ` }]);
      const missing = await run(['no-such-program-dagmake arg'], dir);
      assert.equal(!missing.exit.ok && missing.exit.failure.exitCode, 127);
      // A redirection applies to its command only: the next job's output still reaches the engine.
      const redirected = await run(['sh show.sh > shown.txt 2>&1', 'sh show.sh'], dir, { DAGMAKE_STAGE: 'quiet' });
      assert.deepEqual(redirected.lines, [{ stream: 'stdout', line: `quiet ${dir} ` }]);
      assert.equal(await readFile(path.join(dir, 'shown.txt'), 'utf8'), `quiet ${dir} \n`);
      const unwritable = await run(['sh show.sh > no-such-dir/shown.txt', 'sh show.sh'], dir);
      assert.equal(unwritable.exit.ok, false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('multi-line commands run as one script; terminating kills the whole job', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dagmake-run-'));
    try {
      const script = await run(['echo a\necho b'], dir);
      assert.deepEqual(script.lines.map((l) => l.line), ['a', 'b']);
      const out = capture();
      const started = Date.now();
      const job = runCommands({ commands: ['sleep 30 & sleep 30; echo done > done.txt'], cwd: dir, env: baseEnv(), sink: out.sink });
      setTimeout(() => job.terminate(false), 300);
      const exit = await job.done;
      assert.equal(exit.ok, false);
      assert.equal(!exit.ok && exit.failure.signal, 'SIGTERM');
      assert.ok(Date.now() - started < 10_000);
      await assert.rejects(readFile(path.join(dir, 'done.txt')));
      // The pool still serves jobs after a terminated one.
      assert.deepEqual((await run(['true'], dir)).exit, { ok: true });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
