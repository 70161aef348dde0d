// When a process started, read from Linux's /proc: it tells a live process apart from an earlier
// one that had the same pid. Without /proc (other systems) nothing is known: undefined.
import { readFileSync } from 'node:fs';

/** /proc counts in USER_HZ, which Linux fixes at 100 per second for user space. */
const TICKS_PER_SECOND = 100;

/** The fields of /proc/PID/stat from the third (the state) on; undefined without /proc. */
export function processStatFields(pid: number): string[] | undefined {
  const text = readProc(`/proc/${pid}/stat`);
  // Field 2 is the command name in parentheses, which may itself hold spaces and ')'.
  return text === undefined ? undefined : text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** The process's start, in clock ticks since boot (field 22 of /proc/PID/stat). */
export function processStartTicks(pid: number): number | undefined {
  const fields = processStatFields(pid);
  if (fields === undefined) return undefined;
  const ticks = Number(fields[22 - 3]);
  return Number.isSafeInteger(ticks) && ticks >= 0 ? ticks : undefined;
}

/**
 * The process's start in ms since the epoch. The boot time is whole seconds and follows
 * changes of the system clock, so this is good to a second or so, no better.
 */
export function processStartMs(pid: number): number | undefined {
  const ticks = processStartTicks(pid);
  const btime = /^btime (\d+)$/m.exec(readProc('/proc/stat') ?? '')?.[1];
  if (ticks === undefined || btime === undefined) return undefined;
  return Number(btime) * 1000 + (ticks * 1000) / TICKS_PER_SECOND;
}

function readProc(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
