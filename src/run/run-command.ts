import { execa } from 'execa';
import { pipeLines } from './pipe-lines.js';
import type { StageExit, StageOutputSink, StageProcess } from './stage-process.js';
import { OutputTail, signalGroup } from './stage-process.js';

export interface CommandOptions {
  readonly commands: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly sink: StageOutputSink;
}

/**
 * Runs a stage's commands one after another through the shell (never through npm: it costs
 * seconds per call), each in its own process group so cancellation reaches every descendant.
 */
export function runCommands(options: CommandOptions): StageProcess {
  let current: ReturnType<typeof execa> | undefined;
  let cancelled: NodeJS.Signals | undefined;
  const tail = new OutputTail();

  const done = (async (): Promise<StageExit> => {
    for (const command of options.commands) {
      if (cancelled) break;
      const subprocess = execa(command, {
        shell: true,
        cwd: options.cwd,
        env: options.env,
        detached: true,
        stdin: 'ignore',
        buffer: false,
        reject: false,
        cleanup: true,
      });
      current = subprocess;
      const piping = Promise.all([
        pipeLines(subprocess.stdout, 'stdout', options.sink, tail),
        pipeLines(subprocess.stderr, 'stderr', options.sink, tail),
      ]);
      const result = await subprocess;
      await piping;
      current = undefined;
      if (result.failed) {
        const signal = result.signal ?? cancelled;
        const message =
          signal !== undefined
            ? `command was killed with ${signal}: ${command}`
            : result.exitCode !== undefined
              ? `command failed with exit code ${result.exitCode}: ${command}`
              : `command could not start: ${command} (${result.shortMessage})`;
        return {
          ok: false,
          failure: { message, exitCode: result.exitCode, signal: signal ?? undefined, tail: tail.lines },
        };
      }
    }
    if (cancelled) return { ok: false, failure: { message: 'cancelled', signal: cancelled, tail: tail.lines } };
    return { ok: true };
  })();

  return {
    done,
    terminate(force) {
      cancelled = force ? 'SIGKILL' : 'SIGTERM';
      signalGroup(current?.pid, cancelled);
    },
  };
}
