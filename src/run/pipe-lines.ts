import { finished, type Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { LineSplitter } from './line-splitter.js';
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
    const decoder = new StringDecoder('utf8');
    const splitter = new LineSplitter((line) => dispatchLine(line, name, sink, tail));
    stream.on('data', (chunk: Buffer | string) => splitter.push(typeof chunk === 'string' ? chunk : decoder.write(chunk)));
    finished(stream, () => {
      splitter.push(decoder.end());
      splitter.end();
      resolve();
    });
  });
}
