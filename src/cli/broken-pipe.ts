// A reader that goes away early (`dagmake run --json | head -3`) must not take the run down with
// it: the run still finishes, commits its lock and waits for its processes; only the output stops
// (reporters stop writing once their stream is no longer writable).
export function ignoreBrokenPipes(...streams: readonly NodeJS.WriteStream[]): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}
