import { parseProtocolLine } from '../progress-protocol.js';
import type { OutputTail, StageOutputSink } from './stage-process.js';

/** One line of a stage's output: protocol lines become progress and metric calls, the rest is logged. */
export function dispatchLine(line: string, name: 'stdout' | 'stderr', sink: StageOutputSink, tail: OutputTail): void {
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
}
