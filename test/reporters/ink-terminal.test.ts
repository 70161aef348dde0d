// Runs the Ink reporter in a real 80×24 terminal (tmux) and reads the final screen back.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { failedRun, successfulEnd, successfulRun } from './scripted-events.js';

const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;
const runningFromSource = import.meta.url.endsWith('.ts');
const repoRoot = fileURLToPath(new URL(runningFromSource ? '../../' : '../../../', import.meta.url));
const reporterUrl = new URL('../../src/reporters/ink/ink-reporter.js', import.meta.url).href;

function demoScript(): string {
  const longLine = `a very long log line ${'x'.repeat(150)}`;
  const events = [
    ...successfulRun,
    { type: 'stage-log', time: 4400, stage: 'train', stream: 'stdout', line: longLine },
    ...successfulEnd,
    ...failedRun,
  ];
  return `
import { createInkReporter } from ${JSON.stringify(reporterUrl)};
const events = ${JSON.stringify(events)};
const reporter = createInkReporter({ stdout: process.stdout, color: true, onCancel: () => {} });
for (const event of events) {
  reporter.onEvent(event);
  await new Promise((resolve) => setTimeout(resolve, 5));
}
await reporter.close();
`;
}

test('the Ink reporter leaves a readable final screen in an 80-column terminal', { skip: !hasTmux && 'tmux is not installed' }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dagmake-ink-'));
  const socket = `dagmake-test-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  try {
    const script = path.join(dir, 'demo.mjs');
    writeFileSync(script, demoScript());
    const node = runningFromSource ? `node --import tsx ${script}` : `node ${script}`;
    const command = `cd ${JSON.stringify(repoRoot)} && env -u CI NO_COLOR= ${node}; echo "__exit_$?__"; sleep 30`;
    tmux('new-session', '-d', '-s', 'demo', '-x', '80', '-y', '24', command);
    let screen = '';
    for (let attempt = 0; attempt < 300 && !/__exit_\d+__/.test(screen); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      screen = tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 'demo');
    }
    assert.match(screen, /__exit_0__/, screen);
    const lines = screen.split('\n');
    const joined = screen.replace(/ *\n/g, ' ');
    assert.ok(joined.includes('1 ran · 1 restored · 1 up to date · 0 failed · 0 skipped in 14.2s (saved ~2m10s by restoring from cache and skipping up-to-date stages)'), screen);
    assert.ok(lines.includes('0 ran · 0 restored · 0 up to date · 1 failed · 2 skipped in 0.6s'), screen);
    assert.ok(lines.includes('  skipped because train failed: eval, export'), screen);
    assert.equal(lines.filter((line) => line.startsWith('✔ train ran 12.3s')).length, 1, screen);
    for (const line of lines) assert.ok(line.length <= 80, `wider than 80 columns: ${line}`);
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    rmSync(dir, { recursive: true, force: true });
  }
});
