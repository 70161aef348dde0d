// The reporters' text, written once per turn of the event loop instead of once per line.
//
// A run emits events in bursts: a thousand stages queued at once, a stage's output lines, a
// stage's finish next to its dependents' start. On a pipe or a file every write is a system call
// that also wakes the reader, which in builds of many small stages cost more than the events
// themselves. Lines keep their order and are out at the latest one turn after they were written.

/** What the plain and JSON reporters write to. */
export interface TextOutput {
  /** False once the reader went away (`| head`). */
  readonly writable?: boolean;
  write(text: string, done?: () => void): unknown;
}

export interface CoalescedOutput extends TextOutput {
  /** Writes what is gathered now. */
  flush(): void;
}

export function coalescedOutput(stream: TextOutput): CoalescedOutput {
  let pending = '';
  let scheduled = false;
  const flush = (): void => {
    scheduled = false;
    if (pending === '') return;
    const text = pending;
    pending = '';
    if (stream.writable !== false) stream.write(text);
  };
  return {
    get writable() {
      return stream.writable;
    },
    write(text: string, done?: () => void) {
      pending += text;
      if (done !== undefined) {
        flush();
        stream.write('', done);
      } else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
      return true;
    },
    flush,
  };
}
