// Turns one stage command into a single line for a persistent shell (see shell-server.ts).

/** Words made only of these characters mean the same to the shell as they read. */
const PLAIN_WORD = /^[A-Za-z0-9_\-./:,+@%^=]+$/;

/** Words a shell treats specially in command position: builtins and reserved words. */
const SHELL_WORDS = new Set(
  (
    '! { } case do done elif else esac fi for if in then until while . : [ alias bg break cd command continue echo eval exec ' +
    'exit export false fc fg getopts hash jobs kill local printf pwd read readonly return set shift test times trap true ' +
    'type ulimit umask unalias unset wait'
  ).split(' '),
);

const quote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/** `>`, `>>` or `<` (optionally after a descriptor number), alone or joined to a plain target. */
const REDIRECTION = /^[0-9]?(?:>>?|<)$/;
const JOINED_REDIRECTION = /^[0-9]?(?:>>?|<)(.+)$/;
/** `2>&1` and the like: one descriptor duplicated onto another. */
const DUPLICATION = /^[0-9]?[<>]&[0-9]$/;

/**
 * Like make, a command of plain words that starts with an external program runs without an extra
 * subshell, also with simple redirections to plain file names (the shell applies those around the
 * one command and restores its own descriptors); anything else (builtins, operators, quoting,
 * expansions, here-documents) runs in `( ... )` so it cannot change the persistent shell.
 */
export function isPlainCommand(command: string): boolean {
  const words = command.trim().split(/ +/);
  const first = words[0];
  if (first === undefined || first === '' || SHELL_WORDS.has(first) || first.includes('=') || !PLAIN_WORD.test(first)) return false;
  for (let i = 1; i < words.length; i++) {
    const word = words[i]!;
    if (REDIRECTION.test(word)) {
      const target = words[++i];
      if (target === undefined || !PLAIN_WORD.test(target)) return false;
    } else if (!PLAIN_WORD.test(word) && !DUPLICATION.test(word)) {
      const target = JOINED_REDIRECTION.exec(word)?.[1];
      if (target === undefined || !PLAIN_WORD.test(target)) return false;
    }
  }
  return true;
}

/**
 * Whether the command may start a process in the background (`&` other than in `&&`, `>&`, `<&`,
 * `&>`), which would keep the shell's output pipes and write into later jobs' output. Quoted `&`
 * count too: a false alarm only costs a fresh shell.
 */
export function mayLeaveBackground(command: string): boolean {
  return /(?<![&<>])&(?![&>])/.test(command.replaceAll('&&', ''));
}

/**
 * The line the persistent shell evaluates for `command`, with `env` (variables that differ from
 * the shell's own) applied to that command only. Undefined when the command, a directory or a
 * value spans lines: the shell reads one job per line. With `inCwd` the shell is known to be in
 * `cwd` already and the line does not change directory (see inDirectory).
 */
export function shellJobLine(command: string, cwd: string, env: Readonly<Record<string, string>>, inCwd = false): string | undefined {
  if ([cwd, command].some(spansLines)) return undefined;
  const job = shellJob(command, env);
  return job === undefined || inCwd ? job : inDirectory(cwd, job);
}

/**
 * `job` run in `cwd`. The shell reads its input one byte per system call, and the `cd` to a long
 * project path was most of a short job's line: it is left out where the shell is known to be.
 */
export function inDirectory(cwd: string, job: string): string {
  return `cd -- ${quote(cwd)} && ${job}`;
}

const spansLines = (value: string): boolean => value.includes('\n') || value.includes('\r') || value.includes('\0');

/** The job for `command` in whatever directory the shell is; undefined where shellJobLine is. */
function shellJob(command: string, env: Readonly<Record<string, string>>): string | undefined {
  if ([command, ...Object.keys(env), ...Object.values(env)].some(spansLines)) return undefined;
  if (Object.keys(env).some((name) => !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))) return undefined;
  const assignments = Object.entries(env).map(([name, value]) => `${name}=${quote(value)}`);
  // Assignments before an external program apply to it alone.
  if (isPlainCommand(command)) return [...assignments, command.trim()].join(' ');
  const exports = assignments.length > 0 ? `export ${assignments.join(' ')}; ` : '';
  return `( ${exports}eval ${quote(command)} )`;
}
