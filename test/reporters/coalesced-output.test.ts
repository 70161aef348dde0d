import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { coalescedOutput } from '../../src/reporters/coalesced-output.js';
import { createJsonReporter, parseJsonEvents } from '../../src/reporters/json.js';
import { successfulEnd, successfulRun } from './scripted-events.js';

function recordingStream(): { writable: boolean; writes: string[]; write(text: string, done?: () => void): boolean } {
  return {
    writable: true,
    writes: [],
    write(text, done) {
      if (text !== '') this.writes.push(text);
      done?.();
      return true;
    },
  };
}

test('the lines of one turn of the event loop reach the stream in one write, in order', async () => {
  const stream = recordingStream();
  const output = coalescedOutput(stream);
  output.write('a\n');
  output.write('b\n');
  output.write('c\n');
  assert.deepEqual(stream.writes, [], 'nothing is written before the turn ends');
  await nextTurn();
  assert.deepEqual(stream.writes, ['a\nb\nc\n']);
  output.write('d\n');
  await nextTurn();
  assert.deepEqual(stream.writes, ['a\nb\nc\n', 'd\n']);
});

test('a write with a callback writes what was gathered first, then calls back', async () => {
  const stream = recordingStream();
  const output = coalescedOutput(stream);
  output.write('a\n');
  let called = false;
  output.write('', () => (called = true));
  assert.equal(called, true);
  assert.deepEqual(stream.writes, ['a\n']);
  await nextTurn();
  assert.deepEqual(stream.writes, ['a\n'], 'the scheduled turn finds nothing left to write');
});

test('nothing is written once the reader went away', async () => {
  const stream = recordingStream();
  const output = coalescedOutput(stream);
  output.write('a\n');
  stream.writable = false;
  assert.equal(output.writable, false);
  await nextTurn();
  assert.deepEqual(stream.writes, []);
});

test('a JSON reporter on a coalesced output writes a burst of events at once and all of them by close', async () => {
  const stream = recordingStream();
  const reporter = createJsonReporter(coalescedOutput(stream));
  const events = [...successfulRun, ...successfulEnd];
  events.forEach((event) => reporter.onEvent(event));
  assert.equal(stream.writes.length, 0);
  await reporter.close();
  assert.equal(stream.writes.length, 1);
  assert.deepEqual(parseJsonEvents(stream.writes.join('')), events);
});
