import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createJsonReporter, parseJsonEvents } from '../../src/reporters/json.js';
import { captureStream, failedRun, successfulEnd, successfulRun } from './scripted-events.js';

test('writes every event as exactly one JSON line and round-trips', async () => {
  const events = [...successfulRun, ...successfulEnd, ...failedRun];
  const stream = captureStream();
  const reporter = createJsonReporter(stream);
  events.forEach((event) => reporter.onEvent(event));
  await reporter.close();
  const lines = stream.lines();
  assert.equal(lines.length, events.length);
  assert.deepEqual(JSON.parse(lines[0] ?? ''), events[0]);
  assert.deepEqual(parseJsonEvents(stream.text()), events);
});

test('keeps the public field names of stage and summary events', async () => {
  const stream = captureStream();
  const reporter = createJsonReporter(stream);
  successfulEnd.forEach((event) => reporter.onEvent(event));
  await reporter.close();
  assert.equal(
    stream.lines()[0],
    '{"type":"stage","time":13300,"stage":"train","status":"ran","reason":[],"durationMs":12300}',
  );
});

test('stops writing once its stream is no longer writable (the reader went away)', async () => {
  const stream = Object.assign(captureStream(), { writable: false });
  const reporter = createJsonReporter(stream);
  successfulRun.forEach((event) => reporter.onEvent(event));
  await reporter.close();
  assert.equal(stream.text(), '');
});
