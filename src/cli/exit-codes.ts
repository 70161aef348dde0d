import os from 'node:os';

/** Documented in the README; scripts and CI depend on them. */
export const ExitCode = {
  ok: 0,
  /** A stage failed, or `status --exit-code` found stale stages. */
  failed: 1,
  /** Invalid pipeline, config or command line. */
  usage: 2,
  /**
   * `run --no-wait` found another run holding the project: nothing was wrong and nothing ran, so
   * trying again later may succeed. 75 is EX_TEMPFAIL of sysexits.h, which says just that.
   */
  busy: 75,
  /** 128 + SIGINT, the shell's convention; see exitCodeForSignal. */
  interrupted: 130,
} as const;

/** 128 + the signal's number, as a shell reports a process the signal ended: 130 SIGINT, 143 SIGTERM. */
export function exitCodeForSignal(signal: NodeJS.Signals): number {
  return 128 + os.constants.signals[signal];
}
