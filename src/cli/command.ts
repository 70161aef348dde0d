import type { GlobalOptions } from './global-options.js';

export interface CommandIo {
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  readonly env: NodeJS.ProcessEnv;
}

export interface Command {
  readonly name: string;
  readonly usage: string;
  /** Parses its own arguments; returns the process exit code. */
  run(args: readonly string[], io: CommandIo): Promise<number>;
}

export type CommandContext = GlobalOptions & CommandIo;
