import { dispatchLine } from './output-lines.js';
import { pipeLines } from './pipe-lines.js';
import { ShellPool } from './shell-pool.js';
import type { ShellServer } from './shell-server.js';
import { inDirectory, mayLeaveBackground, shellJobLine } from './shell-job.js';
import type { StageExit, StageOutputSink, StageProcess } from './stage-process.js';
import { OutputTail, signalGroup } from './stage-process.js';
import { forgetGroup, watchGroup } from './orphan-guard.js';

export interface CommandOptions {
  readonly commands: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
  readonly sink: StageOutputSink;
  /**
   * `cwd` is the project root, which no stage removes: a shell already there is not sent a `cd`.
   * (A stage's own directory may be an out that is removed and made again, which a shell sitting
   * in it would not see.)
   */
  readonly cwdIsRoot?: boolean;
}

/** A POSIX shell to keep running; elsewhere every command gets its own process. */
const PERSISTENT_SHELL = process.platform !== 'win32';
let pool: ShellPool | undefined;
const shellPool = (): ShellPool => (pool ??= new ShellPool(currentEnv()));

type Failure = Extract<StageExit, { ok: false }>['failure'];

/**
 * Runs a stage's commands one after another through the shell (never through npm: it costs
 * seconds per call), each in its own process group so cancellation reaches every descendant.
 * Commands go to a persistent shell (shell-server.ts); one that cannot be written as a single
 * line for it (a multi-line script) gets a process of its own through execa.
 */
export function runCommands(options: CommandOptions): StageProcess {
  let terminateCurrent: ((signal: NodeJS.Signals) => void) | undefined;
  let cancelled: NodeJS.Signals | undefined;
  const tail = new OutputTail();
  const onLine = (stream: 'stdout' | 'stderr', line: string) => dispatchLine(line, stream, options.sink, tail);

  const done = (async (): Promise<StageExit> => {
    const count = options.commands.length;
    for (const [index, command] of options.commands.entries()) {
      if (cancelled) break;
      // Of several commands, the failure says which one: their texts may be alike.
      const label = count > 1 ? `command ${index + 1} of ${count}` : 'command';
      const env = PERSISTENT_SHELL ? shellPool().envDifference(options.env) : undefined;
      const job = env === undefined ? undefined : shellJobLine(command, options.cwd, env, true);
      const failure =
        job === undefined
          ? await runSeparately(command, label, options, tail, (kill) => (terminateCurrent = kill), () => cancelled)
          : await runInShell(command, label, options, job, onLine, tail, (kill) => (terminateCurrent = kill), () => cancelled);
      terminateCurrent = undefined;
      if (failure !== undefined) return { ok: false, failure };
    }
    if (cancelled) return { ok: false, failure: { message: 'cancelled', signal: cancelled, tail: tail.lines } };
    return { ok: true };
  })();

  return {
    done,
    terminate(force) {
      cancelled = force ? 'SIGKILL' : 'SIGTERM';
      terminateCurrent?.(cancelled);
    },
  };
}

type Attach = (terminate: (signal: NodeJS.Signals) => void) => void;

async function runInShell(
  command: string,
  label: string,
  options: CommandOptions,
  job: string,
  onLine: (stream: 'stdout' | 'stderr', line: string) => void,
  tail: OutputTail,
  attach: Attach,
  cancelled: () => NodeJS.Signals | undefined,
): Promise<Failure | undefined> {
  const server: ShellServer = shellPool().acquire();
  attach((signal) => server.signal(signal));
  const inCwd = options.cwdIsRoot === true && server.cwd === options.cwd;
  server.cwd = undefined;
  const result = await server.run(inCwd ? job : inDirectory(options.cwd, job), onLine);
  // A job that succeeded ran its `cd` (a failed `cd` fails the job); anything else leaves it unknown.
  if (result.kind === 'exited' && result.code === 0 && options.cwdIsRoot === true) server.cwd = options.cwd;
  if (mayLeaveBackground(command)) shellPool().retire(server);
  else shellPool().release(server);
  if (result.kind === 'exited' && result.code === 0) return undefined;
  const signal = cancelled() ?? (result.kind === 'died' ? result.signal : signalOfStatus(result.code));
  const brief = briefCommand(command);
  if (signal !== undefined) return { message: `${label} was killed with ${signal}: ${brief}`, signal, tail: tail.lines };
  if (result.kind === 'exited') return { message: `${label} failed with exit code ${result.code}: ${brief}${exitCodeHint(result.code)}`, exitCode: result.code, tail: tail.lines };
  return { message: `the shell running ${label === 'command' ? 'the command' : label} exited unexpectedly (code ${result.code ?? 'unknown'}): ${brief}`, tail: tail.lines };
}

async function runSeparately(
  command: string,
  label: string,
  options: CommandOptions,
  tail: OutputTail,
  attach: Attach,
  cancelled: () => NodeJS.Signals | undefined,
): Promise<Failure | undefined> {
  // execa costs more to load than a whole small build; only multi-line scripts need it.
  const { execa } = await import('execa');
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
  watchGroup(subprocess.pid);
  attach((signal) => signalGroup(subprocess.pid, signal));
  const piping = Promise.all([
    pipeLines(subprocess.stdout, 'stdout', options.sink, tail),
    pipeLines(subprocess.stderr, 'stderr', options.sink, tail),
  ]);
  const result = await subprocess;
  forgetGroup(subprocess.pid);
  await piping;
  if (!result.failed) return undefined;
  const signal = result.signal ?? cancelled();
  const brief = briefCommand(command);
  if (signal !== undefined) return { message: `${label} was killed with ${signal}: ${brief}`, signal, tail: tail.lines };
  if (result.exitCode !== undefined) {
    return { message: `${label} failed with exit code ${result.exitCode}: ${brief}${exitCodeHint(result.exitCode)}`, exitCode: result.exitCode, tail: tail.lines };
  }
  // execa's own messages repeat the whole command; the underlying error does not.
  const reason = (result.originalMessage ?? briefCommand(result.shortMessage ?? 'unknown error')).replace(/\s*\n\s*/g, '; ');
  return { message: `${label} could not start: ${brief} (${reason})`, tail: tail.lines };
}

/** The two codes the shell itself sets when it cannot run a command: what they mean and what to do. */
function exitCodeHint(code: number): string {
  if (code === 127) return '; hint: the shell did not find a command it was to run: check its spelling, that it is installed and on PATH, or give its path';
  if (code === 126) return '; hint: the shell found a command it was to run but could not execute it: make it executable (chmod +x), or run it through its interpreter (sh script.sh)';
  return '';
}

/** Failure messages are one line: longer commands are cut; the pipeline file has them in full. */
const BRIEF_COMMAND_LENGTH = 200;

/** The command's first line, at most `BRIEF_COMMAND_LENGTH` characters, `…` where anything was left out. */
export function briefCommand(command: string): string {
  const text = command.trim();
  const end = text.search(/[\r\n]/);
  const firstLine = (end === -1 ? text : text.slice(0, end)).trimEnd();
  if (firstLine.length <= BRIEF_COMMAND_LENGTH) return firstLine.length < text.length ? `${firstLine} …` : firstLine;
  // Never end on half of a surrogate pair.
  const cut = /[\uD800-\uDBFF]/.test(firstLine.charAt(BRIEF_COMMAND_LENGTH - 1)) ? BRIEF_COMMAND_LENGTH - 1 : BRIEF_COMMAND_LENGTH;
  return `${firstLine.slice(0, cut)}…`;
}

/** A shell reports a command killed by signal N as status 128 + N. */
function signalOfStatus(code: number): NodeJS.Signals | undefined {
  const byNumber: Record<number, NodeJS.Signals> = { 1: 'SIGHUP', 2: 'SIGINT', 6: 'SIGABRT', 9: 'SIGKILL', 11: 'SIGSEGV', 13: 'SIGPIPE', 15: 'SIGTERM' };
  return code > 128 ? byNumber[code - 128] : undefined;
}

function currentEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return env;
}
