// A persistent /bin/sh that runs one stage command at a time, read from its stdin.
//
// Why not a process per command (execa): forking the engine's large Node process costs several
// milliseconds of blocked main thread per command, which dominates builds of many small stages
// (1,000 `cp` stages took 4× as long as make). A shell is small, so its fork is cheap, and it
// execs plain commands directly as make does. Each server runs in its own process group, so
// terminating the server's group reaches the running command and everything it started; a
// terminated server is discarded, never reused.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Readable, Writable } from 'node:stream';
import { LineSplitter } from './line-splitter.js';
import { forgetGroup, watchGroup } from './orphan-guard.js';

// The marker arrives as $1 and is moved out of the positional parameters, so commands see none.
const SERVER_SCRIPT = `
dagmake_marker=$1
set --
while IFS= read -r dagmake_job; do
  eval "$dagmake_job" </dev/null
  dagmake_status=$?
  printf '\\n%s %s\\n' "$dagmake_marker" "$dagmake_status"
  printf '\\n%s\\n' "$dagmake_marker" >&2
done`;

export type JobResult = { readonly kind: 'exited'; readonly code: number } | { readonly kind: 'died'; readonly signal?: NodeJS.Signals; readonly code?: number };

type OnLine = (stream: 'stdout' | 'stderr', line: string) => void;

interface Job {
  readonly onLine: OnLine;
  readonly resolve: (result: JobResult) => void;
  code?: number;
  stderrDone: boolean;
}

export class ShellServer {
  readonly #child: ChildProcessByStdio<Writable, Readable, Readable>;
  readonly #marker: string;
  readonly #lines = {
    stdout: new LineSplitter((line) => this.#line('stdout', line)),
    stderr: new LineSplitter((line) => this.#line('stderr', line)),
  };
  readonly #heldEmpty = { stdout: false, stderr: false };
  #job: Job | undefined;
  #dead = false;
  /** The directory the shell is known to be in (its jobs' `cd` persists), if known. */
  cwd: string | undefined;

  constructor(env: Readonly<Record<string, string>>) {
    // The marker ends each job's output on both streams; it is random so no output can fake it.
    this.#marker = `\u001edagmake-job-done-${randomBytes(12).toString('hex')}`;
    this.#child = spawn('/bin/sh', ['-c', SERVER_SCRIPT, 'sh', this.#marker], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
      detached: true,
    });
    this.#child.stdout.setEncoding('utf8');
    this.#child.stderr.setEncoding('utf8');
    this.#child.stdout.on('data', (chunk: string) => this.#lines.stdout.push(chunk));
    this.#child.stderr.on('data', (chunk: string) => this.#lines.stderr.push(chunk));
    this.#child.stdin.on('error', () => undefined);
    this.#child.on('error', () => this.#die({ kind: 'died' }));
    this.#child.on('close', (code, signal) => this.#die({ kind: 'died', code: code ?? undefined, signal: signal ?? undefined }));
    watchGroup(this.#child.pid);
    this.#setActive(false);
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get alive(): boolean {
    return !this.#dead;
  }

  /** Runs one job line (see shell-job.ts); output lines go to `onLine` as they arrive. */
  run(line: string, onLine: OnLine): Promise<JobResult> {
    if (this.#job !== undefined || this.#dead) throw new Error('Internal error: shell server is busy or dead');
    this.#setActive(true);
    return new Promise((resolve) => {
      this.#job = { onLine, resolve, stderrDone: false };
      this.#child.stdin.write(`${line}\n`);
    });
  }

  /** Signals the server's process group: the server and the running command. */
  signal(signal: NodeJS.Signals): void {
    const pid = this.#child.pid;
    if (pid === undefined || this.#dead) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  }

  /** Lets an idle server exit (it reads end-of-input). */
  close(): void {
    this.#child.stdin.end();
  }

  // The server prints "\n<marker>" after each job, which adds an empty line when the output
  // already ended with a newline: an empty line is held back one line and dropped before a marker.
  #line(stream: 'stdout' | 'stderr', line: string): void {
    const job = this.#job;
    if (line.startsWith(this.#marker)) {
      this.#heldEmpty[stream] = false;
      if (job === undefined) return;
      if (stream === 'stdout') job.code = Number(line.slice(this.#marker.length).trim());
      else job.stderrDone = true;
      this.#settleIfDone();
      return;
    }
    if (this.#heldEmpty[stream]) job?.onLine(stream, '');
    this.#heldEmpty[stream] = line === '';
    if (line !== '') job?.onLine(stream, line);
  }

  #settleIfDone(): void {
    const job = this.#job;
    if (job === undefined || job.code === undefined || !job.stderrDone) return;
    this.#job = undefined;
    this.#setActive(false);
    job.resolve({ kind: 'exited', code: job.code });
  }

  #die(result: JobResult): void {
    if (this.#dead) return;
    this.#dead = true;
    forgetGroup(this.#child.pid);
    const job = this.#job;
    if (job !== undefined) {
      for (const stream of ['stdout', 'stderr'] as const) {
        this.#lines[stream].end();
        if (this.#heldEmpty[stream]) job.onLine(stream, '');
      }
      this.#job = undefined;
      job.resolve(result);
    }
  }

  /** An idle server must not keep the engine's process alive. */
  #setActive(active: boolean): void {
    const handles = [this.#child, this.#child.stdin, this.#child.stdout, this.#child.stderr] as unknown as { ref(): void; unref(): void }[];
    for (const handle of handles) {
      if (active) handle.ref?.();
      else handle.unref?.();
    }
  }
}
