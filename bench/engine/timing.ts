// Wall-clock and child CPU time of one command, run to completion with its output captured.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Timed {
  readonly seconds: number;
  /** Wall-clock time (ms since the epoch) just before the command was started. */
  readonly startedAt: number;
  /** User + system CPU of the command and everything it waited for. */
  readonly cpuSeconds: number;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CommandSpec {
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

const CLOCK_TICKS_PER_SECOND = 100;

/** CPU seconds of this process's reaped children (cutime + cstime from /proc/self/stat). */
function childCpuSeconds(): number {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[13]) + Number(fields[14])) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

export function timeCommand(spec: CommandSpec): Timed {
  const cpuBefore = childCpuSeconds();
  const startedAt = Date.now();
  const started = performance.now();
  const result = spawnSync(spec.command, spec.args, {
    cwd: spec.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 30,
    encoding: 'utf8',
  });
  const seconds = (performance.now() - started) / 1000;
  if (result.error) throw result.error;
  return { seconds, startedAt, cpuSeconds: childCpuSeconds() - cpuBefore, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Like timeCommand, but a non-zero exit is an error that shows the tail of the output. */
export function timeOk(spec: CommandSpec): Timed {
  const timed = timeCommand(spec);
  if (timed.status !== 0) {
    const tail = `${timed.stdout}\n${timed.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`${spec.command} ${spec.args.join(' ')} exited with ${timed.status} in ${spec.cwd}\n${tail}`);
  }
  return timed;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
