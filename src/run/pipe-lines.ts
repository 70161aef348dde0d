import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parseProtocolLine } from '../progress-protocol.js';
import type { OutputTail, StageOutputSink } from './stage-process.js';

/**
 * Splits a child's stream into lines: protocol lines (`::dagmake progress ...`) become progress and
 * metric calls, every other line is logged. Resolves when the stream ends.
 */
export function pipeLines(
  stream: Readable | null | undefined,
  name: 'stdout' | 'stderr',
  sink: StageOutputSink,
  tail: OutputTail,
): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    const reader = createInterface({ input: stream, crlfDelay: Infinity });
    reader.on('line', (line) => {
      const protocol = parseProtocolLine(line);
      if (protocol?.type === 'progress') {
        const { type: _type, ...progress } = protocol;
        sink.progress(progress);
      } else if (protocol?.type === 'metric') {
        const { type: _type, ...metric } = protocol;
        sink.metric(metric);
      } else {
        tail.push(line);
        sink.line(name, line);
      }
    });
    reader.on('close', () => resolve());
  });
}
