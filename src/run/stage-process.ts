// What the engine sees of a running stage, whether it is a shell command or a TypeScript module.
import type { StageFailure } from '../events.js';

export interface StageOutputSink {
  line(stream: 'stdout' | 'stderr', line: string): void;
  progress(progress: { current: number; total?: number; unit?: string; message?: string; task?: string }): void;
  metric(metric: { name: string; value: number; step?: number }): void;
}

export type StageExit = { readonly ok: true } | { readonly ok: false; readonly failure: StageFailure };

export interface StageProcess {
  readonly done: Promise<StageExit>;
  /** SIGTERM the stage's whole process group; with `force`, SIGKILL. */
  terminate(force: boolean): void;
}

/** Keeps the last lines of a stage's output for failure reports. */
export class OutputTail {
  readonly #lines: string[] = [];
  constructor(private readonly limit = 20) {}
  push(line: string): void {
    this.#lines.push(line);
    if (this.#lines.length > this.limit) this.#lines.shift();
  }
  get lines(): readonly string[] {
    return [...this.#lines];
  }
}

/** Signals a process group; the group may already be gone, which is fine. */
export function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // Already exited.
    }
  }
}
