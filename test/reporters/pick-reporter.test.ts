import assert from 'node:assert/strict';
import { test } from 'node:test';
import { colorAllowed } from '../../src/reporters/ansi.js';
import { chooseReporterKind, createReporter } from '../../src/reporters/pick-reporter.js';
import { captureStream } from './scripted-events.js';

test('--reporter wins, then --json, then plain off a terminal or in CI, else ink', () => {
  assert.equal(chooseReporterKind({ kind: 'plain', json: true, isTTY: true, env: {} }), 'plain');
  assert.equal(chooseReporterKind({ kind: 'ink', isTTY: false, env: { CI: 'true' } }), 'ink');
  assert.equal(chooseReporterKind({ json: true, isTTY: true, env: {} }), 'json');
  assert.equal(chooseReporterKind({ isTTY: false, env: {} }), 'plain');
  assert.equal(chooseReporterKind({ isTTY: true, env: { CI: 'true' } }), 'plain');
  assert.equal(chooseReporterKind({ isTTY: true, env: {} }), 'ink');
});

test('NO_COLOR or color:false turns colors off', () => {
  assert.equal(colorAllowed({}, true), true);
  assert.equal(colorAllowed({ NO_COLOR: '1' }, true), false);
  assert.equal(colorAllowed({ NO_COLOR: '' }, true), true);
  assert.equal(colorAllowed({}, false), false);
});

test('creates a working plain reporter without colors under NO_COLOR', async () => {
  const stream = captureStream();
  const reporter = await createReporter({ stream, isTTY: false, env: { NO_COLOR: '1' }, color: true });
  reporter.onEvent({ type: 'stage', time: 0, stage: 'a', status: 'ran', reason: [], durationMs: 1500 });
  await reporter.close();
  assert.equal(stream.text(), '✔ a ran 1.5s\n');
});

test('creates a JSON reporter when asked', async () => {
  const stream = captureStream();
  const reporter = await createReporter({ stream, json: true, isTTY: true, env: {}, color: true });
  reporter.onEvent({ type: 'diagnostics', time: 0, messages: ['x'] });
  await reporter.close();
  assert.equal(stream.text(), '{"type":"diagnostics","time":0,"messages":["x"]}\n');
});
