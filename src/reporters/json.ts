// NDJSON: every event, exactly as the engine sent it, one per line. A public contract (`--json`).
import type { DagEvent, Reporter } from '../events.js';
import type { TextOutput } from './coalesced-output.js';

export function createJsonReporter(stream: TextOutput): Reporter {
  return {
    // A reader that went away (`| head`) ends the output, not the run.
    onEvent(event: DagEvent) {
      if (stream.writable !== false) stream.write(`${JSON.stringify(event)}\n`);
    },
    close: () =>
      new Promise<void>((resolve) => {
        if (stream.writable === false) resolve();
        else stream.write('', () => resolve());
      }),
  };
}

/** Reads NDJSON written by the JSON reporter back into events (blank lines are ignored). */
export function parseJsonEvents(text: string): DagEvent[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as DagEvent);
}
