// IPC messages between the engine and a TypeScript stage's child process.
import type { ProtocolMessage } from '../progress-protocol.js';

export interface ModuleStageInit {
  readonly type: 'start';
  /** Absolute path of the stage module. */
  readonly modulePath: string;
  readonly stage: string;
  readonly root: string;
  readonly with: Readonly<Record<string, unknown>>;
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly deps: readonly string[];
  readonly outs: readonly string[];
  /**
   * The stage's definition hash (its module with local imports, `with`, env, outs): part of every
   * memo key, so changed code or another stage never reuses a unit.
   */
  readonly memoScope: string;
  /** Outs a memo unit may write into: the non-persistent ones, since a unit's dir is emptied on a miss. */
  readonly unitOuts: readonly string[];
  /** Absolute cache directory for `ctx.memo`. */
  readonly cacheDir: string;
  /** Recorded in memo entries so gc can keep what recent runs used. */
  readonly runId: string;
  /** CPU slots the stage may use for memo units at once. */
  readonly cpu: number;
  /** Absolute directory for `ctx.runInfoDir`; the child empties it before the stage starts. */
  readonly runInfoDir: string;
  /** Absolute directory for `ctx.resumeDir`, kept as it is. */
  readonly resumeDir: string;
}

/** Progress and metrics travel in the same shape as the shell stages' line protocol. */
export type ModuleStageMessage =
  | ProtocolMessage
  | { readonly type: 'failed'; readonly message: string };
