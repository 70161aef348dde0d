// Every benchmark answers --help with its usage and refuses a bad argument before measuring.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const benchDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bench');
const run = (script: string, args: readonly string[]) =>
  spawnSync(process.execPath, [path.join(benchDir, script), ...args], { encoding: 'utf8', timeout: 60_000 });

const benches: [script: string, bad: string[], complaint: RegExp][] = [
  ['run-all.js', ['--bogus'], /Unknown option '--bogus'/],
  ['train-bench.js', ['--steps'], /argument missing/],
  ['hash-bench.js', ['many'], /files must be a positive number, got "many"/],
  ['onnx-bench.js', ['0'], /sentences must be a positive number, got "0"/],
  ['watch-latency.js', ['--saves=3'], /unknown option "--saves=3"/],
];

for (const [script, bad, complaint] of benches) {
  test(`${script}: --help prints the usage, a bad argument exits 2 with it`, () => {
    const help = run(script, ['--help']);
    assert.equal(help.status, 0, help.stderr);
    assert.match(help.stdout, /^Usage: node dist\/bench\//);
    const refused = run(script, bad);
    assert.equal(refused.status, 2, refused.stdout + refused.stderr);
    assert.match(refused.stderr, complaint);
    assert.match(refused.stderr, /Usage: /);
  });
}
