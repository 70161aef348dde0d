import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { cutMarker, LineSplitter, MAX_LINE_LENGTH, type LineSplitterOptions } from '../../src/run/line-splitter.js';
import { briefCommand, runCommands } from '../../src/run/run-command.js';

/** Feeds chunks one at a time; `clock` is what the splitter reads as the time. */
function split(chunks: readonly string[], options: LineSplitterOptions = {}, tick = 0): string[] {
  const lines: string[] = [];
  let clock = 0;
  const splitter = new LineSplitter((line) => lines.push(line), { now: () => clock, ...options });
  for (const chunk of chunks) {
    splitter.push(chunk);
    clock += tick;
  }
  splitter.end();
  return lines;
}

const frames = (count: number, total = count): string => {
  let text = '';
  for (let i = 1; i <= count; i++) text += `\rstep ${i}/${total} loss 0.1234`;
  return text;
};

/** Cuts `text` into pieces of varying sizes, so pieces end anywhere in a frame. */
function pieces(text: string, sizes: readonly number[] = [65_536, 4_093, 17, 8_191]): string[] {
  const result: string[] = [];
  for (let at = 0, i = 0; at < text.length; i++) {
    const size = sizes[i % sizes.length]!;
    result.push(text.slice(at, at + size));
    at += size;
  }
  return result;
}

describe('splitting output into lines', () => {
  test('\\n and \\r\\n end lines, also across chunks; empty lines stay; a last line without newline is kept', () => {
    assert.deepEqual(split(['one\n\ntwo\r\nthr', 'ee\r', '\nlast']), ['one', '', 'two', 'three', 'last']);
    assert.deepEqual(split(['\r\n\r\n']), ['', '']);
    assert.deepEqual(split(['done\n']), ['done']);
    assert.deepEqual(split(['']), []);
  });

  test('a \\r-redrawn line keeps only its last frame when frames come faster than the interval', () => {
    assert.deepEqual(split(['\rstep 1\rstep 2\rstep 3\n', 'next\n']), ['step 3', 'next']);
    // The first complete frame passes at once; later ones wait for the interval.
    assert.deepEqual(split(['\rstep 1', '\rstep 2', '\rstep 3', '\rstep 4\n'], {}, 100), ['step 1', 'step 4']);
    // Text after the last \r replaces the frame; a trailing \r or an empty frame does not.
    assert.deepEqual(split(['50%\r100%\r', '\n']), ['100%']);
    assert.deepEqual(split(['50%\r', '\r\n']), ['50%']);
    assert.deepEqual(split(['working\r']), ['working']);
  });

  test('a redrawn line passes on its latest complete frame at most once per interval', () => {
    const lines = split(['\ra', '\rb', '\rc', '\rd', '\re\n'], { redrawIntervalMs: 1_000 }, 600);
    // Chunks arrive at 0, 600, 1200, 1800 and 2400 ms: "a" (complete when "\rb" arrives) at 600,
    // "c" at 1800, "e" when the line ends; "b" and "d" are replaced within the interval.
    assert.deepEqual(lines, ['a', 'c', 'e']);
  });

  test('8 MB of progress frames in arbitrary pieces: only whole frames, the last one last, few lines', () => {
    const count = 300_000;
    const output = `${frames(count)}\n`;
    assert.ok(output.length > 8_000_000);
    const lines = split(pieces(output), {}, 50);
    assert.ok(lines.length < 100, `${lines.length} lines`);
    for (const line of lines) assert.match(line, new RegExp(`^step \\d+/${count} loss 0\\.1234$`));
    assert.equal(lines.at(-1), `step ${count}/${count} loss 0.1234`);
  });

  test('a line longer than the cap keeps its start and says how much was cut', () => {
    assert.deepEqual(split(['abcdefgh', 'ij\nfour\n'], { maxLength: 4 }), [`abcd${cutMarker(6)}`, 'four']);
    // Half a surrogate pair is never kept.
    assert.deepEqual(split(['ab😀cd\n'], { maxLength: 3 }), [`ab${cutMarker(4)}`]);
    // A long frame of a redrawn line is cut the same way.
    assert.deepEqual(split(['\r123456\r', '12\n'], { maxLength: 4 }), [`1234${cutMarker(2)}`, '12']);
  });

  test('a 20 MB line without a newline becomes one capped line', () => {
    const chunk = 'x'.repeat(65_536);
    const lines = split(Array.from({ length: 320 }, () => chunk));
    assert.equal(lines.length, 1);
    assert.equal(lines[0], 'x'.repeat(MAX_LINE_LENGTH) + cutMarker(320 * 65_536 - MAX_LINE_LENGTH));
  });
});

const baseEnv = (): Record<string, string> =>
  Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined));

describe('long and redrawn lines through the persistent shell', () => {
  async function run(commands: string[]) {
    const dir = await mkdtemp(path.join(tmpdir(), 'dagmake-lines-'));
    const lines: { stream: string; line: string }[] = [];
    try {
      const sink = { line: (stream: string, line: string) => lines.push({ stream, line }), progress: () => undefined, metric: () => undefined };
      const exit = await runCommands({ commands, cwd: dir, env: baseEnv(), sink }).done;
      return { exit, stdout: lines.filter((l) => l.stream === 'stdout').map((l) => l.line), stderr: lines.filter((l) => l.stream === 'stderr').map((l) => l.line) };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  test('a job that ends in a partial, redrawn or cut line neither loses nor shares output with the next', async () => {
    const result = await run([
      `printf 'a\\rb'`,
      `printf 'c\\r'; printf 'e\\r' >&2`,
      `head -c 100000 /dev/zero | tr '\\0' x`,
      `printf 'd\\n\\n'`,
      'echo f',
    ]);
    assert.deepEqual(result.exit, { ok: true });
    // "a" is a complete frame: whether it passes on depends on how the output was read.
    assert.deepEqual(result.stdout.filter((line, i) => !(i === 0 && line === 'a')), ['b', 'c', 'x'.repeat(MAX_LINE_LENGTH) + cutMarker(100_000 - MAX_LINE_LENGTH), 'd', '', 'f']);
    assert.deepEqual(result.stderr, ['e']);
  });
});

describe('commands in failure messages', () => {
  test('are cut to their first line and 200 characters', () => {
    assert.equal(briefCommand('  python train.py --epochs 3  '), 'python train.py --epochs 3');
    assert.equal(briefCommand(`echo ${'y'.repeat(20_000)} > long.out; exit 4`), `echo ${'y'.repeat(195)}…`);
    assert.equal(briefCommand('set -e\npython train.py\n'), 'set -e …');
    assert.equal(briefCommand(`${'a'.repeat(199)}😀 and more`), `${'a'.repeat(199)}…`);
  });

  test('a failing long command reports a short message', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'dagmake-lines-'));
    try {
      const sink = { line: () => undefined, progress: () => undefined, metric: () => undefined };
      const commands = [`echo ${'y'.repeat(20_000)} > long.out; exit 4`, `echo ${'z'.repeat(20_000)}\nexit 5`];
      for (const [i, command] of commands.entries()) {
        const exit = await runCommands({ commands: [command], cwd: dir, env: baseEnv(), sink }).done;
        assert.equal(exit.ok, false);
        if (exit.ok) return;
        assert.equal(exit.failure.exitCode, 4 + i);
        assert.ok(exit.failure.message.length < 300, exit.failure.message);
        assert.match(exit.failure.message, /^command failed with exit code \d: echo [yz]+…$/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
