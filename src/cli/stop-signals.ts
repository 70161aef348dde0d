import { ExitCode, exitCodeForSignal } from './exit-codes.js';

export interface StopSignals {
  /** 128 + the first signal received; 130 when the stop came from a key in the terminal view. */
  interruptedExitCode(): number;
  dispose(): void;
}

/** Calls `stop` on every SIGINT and SIGTERM (a second one forces), remembering the first. */
export function listenForStopSignals(stop: () => void): StopSignals {
  let first: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    first ??= signal;
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    interruptedExitCode: () => (first ? exitCodeForSignal(first) : ExitCode.interrupted),
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
