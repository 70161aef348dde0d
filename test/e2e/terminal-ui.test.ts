// The real CLI in a real 80×24 terminal (tmux): the Ink view runs a small pipeline and leaves a
// readable final screen in the scrollback.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { cliPath } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const hasTmux = spawnSync('tmux', ['-V'], { stdio: 'ignore' }).status === 0;

test('dagmake run shows the Ink view on a terminal and settles into plain scrollback', { skip: !hasTmux && 'tmux is not installed' }, async () => {
  const project = await tempProject({
    'pipeline.yaml': `
stages:
  prepare:
    cmd: for i in 1 2 3; do echo "::dagmake progress current=$i total=3 unit=step"; sleep 0.1; done; echo ready > a.txt
    outs: [a.txt]
  train:
    cmd: cat a.txt > b.txt && echo trained
    deps: [a.txt]
    outs: [b.txt]
`,
  });
  const socket = `dagmake-cli-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const screenAfter = async (command: string) => {
    tmux('new-session', '-d', '-s', 'ui', '-x', '80', '-y', '24', command);
    let screen = '';
    for (let attempt = 0; attempt < 300 && !/__exit_\d+__/.test(screen); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      screen = tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 'ui');
    }
    tmux('kill-session', '-t', 'ui');
    return screen;
  };
  const run = `cd ${JSON.stringify(project.root)} && env -u CI -u GITHUB_ACTIONS NO_COLOR=1 node ${JSON.stringify(cliPath)} run -j 1; echo "__exit_$?__"; sleep 30`;
  try {
    const first = await screenAfter(run);
    assert.match(first, /__exit_0__/, first);
    assert.match(first, /2 ran · 0 restored · 0 up to date · 0 failed · 0 skipped/, first);
    assert.equal(first.split('\n').filter((line) => /^✔ prepare ran/.test(line)).length, 1, first);
    for (const line of first.split('\n')) assert.ok(line.length <= 80, `wider than 80 columns: ${line}`);
    const second = await screenAfter(run);
    assert.match(second, /0 ran · 0 restored · 2 up to date/, second);
  } finally {
    spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
    await project.dispose();
  }
});
