// Everything the engine tells the outside world. Reporters (ink, plain, json) consume these
// and nothing else. `type: 'stage'` and `type: 'summary'` are a public contract (`--json`).

/** Why a stage is (or was) stale. Machine-readable; reporters turn it into words. */
export type StaleReason =
  | { readonly kind: 'never-run' }
  | { readonly kind: 'forced' }
  | { readonly kind: 'always-changed' }
  | {
      readonly kind: 'definition-changed';
      readonly old: string;
      readonly new: string;
      /** What changed, in words, when the earlier definition's parts are known (see definition-store.ts). */
      readonly changes?: readonly string[];
    }
  | {
      readonly kind: 'dep-changed';
      readonly path: string;
      readonly old?: string;
      readonly new?: string;
      /** For directories: the member files that were added, removed or modified (capped). */
      readonly files?: readonly string[];
    }
  | { readonly kind: 'dep-missing'; readonly path: string }
  /** A params file that an upstream stage writes and has not written yet. */
  | { readonly kind: 'params-missing'; readonly file: string; readonly producer: string }
  | {
      readonly kind: 'param-changed';
      readonly file: string;
      readonly key: string;
      readonly old: unknown;
      readonly new: unknown;
    }
  | { readonly kind: 'out-missing'; readonly path: string }
  | { readonly kind: 'out-changed'; readonly path: string; readonly old: string; readonly new: string }
  /**
   * A dep or out is a file where the lock records a directory (or a directory where it records a
   * file), or an out declared as a directory (`outs: [d/]`) is a file. Told apart from a content
   * change because an empty file and an empty directory have the same hash.
   */
  | {
      readonly kind: 'type-changed';
      readonly path: string;
      readonly of: 'dep' | 'out';
      readonly expected: PathType;
      readonly found: PathType;
    };

export type PathType = 'file' | 'directory';

export type StageStatus = 'ran' | 'restored' | 'up-to-date' | 'failed' | 'skipped' | 'cancelled';

export interface StageFailure {
  readonly message: string;
  readonly exitCode?: number;
  readonly signal?: string;
  /** Last lines of the stage's output. */
  readonly tail?: readonly string[];
}

export type DagEvent =
  | {
      readonly type: 'run-start';
      readonly time: number;
      readonly stages: readonly string[];
      readonly jobs: number;
    }
  | { readonly type: 'stage-queued'; readonly time: number; readonly stage: string }
  | {
      readonly type: 'stage-start';
      readonly time: number;
      readonly stage: string;
      readonly reasons: readonly StaleReason[];
      /** Duration of the last successful run, for ETAs. */
      readonly previousDurationMs?: number;
    }
  /** The stage's process ended (its CPU slots are free again); its outputs are being committed. */
  | { readonly type: 'stage-exit'; readonly time: number; readonly stage: string; readonly ok: boolean }
  | {
      readonly type: 'stage-progress';
      readonly time: number;
      readonly stage: string;
      readonly current: number;
      readonly total?: number;
      readonly unit?: string;
      readonly message?: string;
      readonly task?: string;
    }
  | {
      readonly type: 'stage-log';
      readonly time: number;
      readonly stage: string;
      readonly stream: 'stdout' | 'stderr';
      readonly line: string;
    }
  | {
      readonly type: 'stage-metric';
      readonly time: number;
      readonly stage: string;
      readonly name: string;
      readonly value: number;
      readonly step?: number;
    }
  | {
      /** A stage reached its final state for this run. */
      readonly type: 'stage';
      readonly time: number;
      readonly stage: string;
      readonly status: StageStatus;
      readonly reason: readonly StaleReason[];
      readonly durationMs: number;
      /** For restored / up-to-date stages: the recorded duration of the run that produced the outputs. */
      readonly savedMs?: number;
      /** An up-to-date stage that is frozen: its inputs and outs were not checked. */
      readonly frozen?: true;
      readonly failure?: StageFailure;
      /**
       * For skipped stages: the upstream stage(s) it needs that failed, were cancelled or were
       * skipped for that (with or without --keep-going); with skippedAfterStop, the failures after
       * which the run stopped starting stages (fail-fast), or none on cancel.
       */
      readonly skippedBecause?: readonly string[];
      /**
       * The stage was not started because the whole run stopped, not because of its own upstream:
       * on cancel, or after a failure it does not depend on (--keep-going would have run it).
       */
      readonly skippedAfterStop?: 'failure' | 'cancel';
      /**
       * Cancelled only to start over (watch mode: its inputs changed while it ran): in this run, or,
       * when a stage it depends on must run again, in the next cycle's run. Not a final state.
       */
      readonly restarted?: true;
      readonly logFile?: string;
    }
  | { readonly type: 'warning'; readonly time: number; readonly message: string; readonly stage?: string }
  | {
      readonly type: 'summary';
      readonly time: number;
      readonly ran: number;
      readonly restored: number;
      readonly upToDate: number;
      readonly failed: number;
      readonly skipped: number;
      readonly cancelled: number;
      readonly durationMs: number;
      /** Sum of recorded durations of restored and up-to-date stages. */
      readonly savedMs: number;
    }
  | {
      readonly type: 'watch-cycle';
      readonly time: number;
      readonly phase: 'start' | 'end' | 'idle';
      readonly cycle: number;
      /** Project-relative paths whose content changed and started this cycle. */
      readonly changed: readonly string[];
      /** Files watched: those there now, and each watched path not there (yet) that a change would create. */
      readonly watchedFiles: number;
    }
  | {
      /** A pipeline or config problem found while watching (run reports it through the exit code). */
      readonly type: 'diagnostics';
      readonly time: number;
      readonly messages: readonly string[];
    };

export type DagEventType = DagEvent['type'];

export interface Reporter {
  onEvent(event: DagEvent): void;
  /** Flush and restore the terminal. */
  close(): Promise<void>;
}
