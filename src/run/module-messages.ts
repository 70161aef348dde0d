// IPC messages between the engine and a TypeScript stage's child process.

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
  /** Absolute cache directory for `ctx.memo`. */
  readonly cacheDir: string;
  /** Recorded in memo entries so gc can keep what recent runs used. */
  readonly runId: string;
  /** CPU slots the stage may use for memo units at once. */
  readonly cpu: number;
}

export type ModuleStageMessage =
  | {
      readonly type: 'progress';
      readonly current: number;
      readonly total?: number;
      readonly unit?: string;
      readonly message?: string;
      readonly task?: string;
    }
  | { readonly type: 'metric'; readonly name: string; readonly value: number; readonly step?: number }
  | { readonly type: 'failed'; readonly message: string };
