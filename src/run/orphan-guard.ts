// Stops the process groups of running stages when the engine dies without stopping them itself.
//
// Every stage runs in a process group of its own, so that cancelling it reaches all it started.
// The same separation lets a stage outlive an engine that is killed with SIGKILL, or crashes
// inside Node: it would keep writing outputs that the next run is clearing or producing again.
// Node offers no parent-death signal (Linux's PR_SET_PDEATHSIG), and exit handlers such as
// execa's `cleanup` never run after SIGKILL, so a small watchdog shell does it: it reads from a
// pipe which groups are live, and when the pipe closes, which the kernel does however the engine
// ends, it sends SIGTERM to the groups still listed and SIGKILL to those alive after the grace.
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

// Group ids arrive as "+<pgid>" and "-<pgid>" lines; a group is forgotten once it has ended, so a
// reused id is never signalled. `kill -s 0` tells whether any process of a group is left.
const GUARD_SCRIPT = `
grace_tenths=$1
groups=
while IFS= read -r line; do
  case $line in
    +*) groups="$groups \${line#+}" ;;
    -*) left=; for g in $groups; do [ "$g" = "\${line#-}" ] || left="$left $g"; done; groups=$left ;;
  esac
done
[ -n "$groups" ] || exit 0
for g in $groups; do kill -s TERM -- "-$g" 2>/dev/null; done
waited=0
while [ "$waited" -lt "$grace_tenths" ]; do
  left=; for g in $groups; do kill -s 0 -- "-$g" 2>/dev/null && left="$left $g"; done
  [ -n "$left" ] || exit 0
  groups=$left
  sleep 0.1
  waited=$((waited + 1))
done
for g in $groups; do kill -s KILL -- "-$g" 2>/dev/null; done`;

/** Seconds a stage gets to exit after SIGTERM, as when a run is cancelled. */
const GRACE_SECONDS = 5;

let guard: ChildProcessByStdio<Writable, null, null> | undefined;
let unavailable = process.platform === 'win32';
const startListeners = new Set<(pid: number) => void>();

/**
 * Calls `listener` with the guard's pid once it runs (at once if it already does), so a run can
 * record it: the next run then waits until the guard has stopped this one's stages. Returns a
 * function that stops listening.
 */
export function whenGuardRuns(listener: (pid: number) => void): () => void {
  if (guard?.pid !== undefined) listener(guard.pid);
  else startListeners.add(listener);
  return () => startListeners.delete(listener);
}

// Started synchronously with the first group, before that group's command is sent: a guard
// started later could miss an engine killed in between, on a loaded machine.
function guardInput(): Writable | undefined {
  if (guard === undefined && !unavailable) {
    const child = spawn('/bin/sh', ['-c', GUARD_SCRIPT, 'dagmake-orphan-guard', String(GRACE_SECONDS * 10)], {
      stdio: ['pipe', 'ignore', 'ignore'],
      // Its own session: the terminal's Ctrl-C and hang-up are the engine's to handle, not the guard's.
      detached: true,
    });
    child.on('error', () => {
      unavailable = true;
      guard = undefined;
    });
    child.stdin.on('error', () => undefined);
    // The guard must never keep the engine alive; it exits by itself when the engine is gone.
    child.unref();
    (child.stdin as unknown as { unref?(): void }).unref?.();
    guard = child;
    const pid = child.pid;
    if (pid !== undefined) {
      for (const listener of startListeners) listener(pid);
      startListeners.clear();
    }
  }
  return guard?.stdin;
}

/** Starts watching a stage's process group (its leader's pid). */
export function watchGroup(pgid: number | undefined): void {
  if (pgid !== undefined) guardInput()?.write(`+${pgid}\n`);
}

/** Stops watching a group whose processes have all ended. */
export function forgetGroup(pgid: number | undefined): void {
  if (pgid !== undefined) guard?.stdin.write(`-${pgid}\n`);
}
