import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { dispatchLine } from './output-lines.js';
import type { OutputTail, StageOutputSink } from './stage-process.js';

/** Splits a child's stream into lines for `dispatchLine`. Resolves when the stream ends. */
export function pipeLines(
  stream: Readable | null | undefined,
  name: 'stdout' | 'stderr',
  sink: StageOutputSink,
  tail: OutputTail,
): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    const reader = createInterface({ input: stream, crlfDelay: Infinity });
    reader.on('line', (line) => dispatchLine(line, name, sink, tail));
    reader.on('close', () => resolve());
  });
}
