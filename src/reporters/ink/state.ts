// The Ink reporter's view of a run: a pure (state, event) → state reducer. Finished things are
// appended to `finished` until the view has written them into the scrollback (<Static>), then
// dropped, so a watch session of thousands of cycles keeps only what is still to be printed.
import type { DagEvent, StageFailure, StageStatus, StaleReason } from '../../events.js';
import { describeSkipped, type SkippedStage } from '../describe-reason.js';
import type { ProgressSnapshot } from '../progress-math.js';

export const VISIBLE_LOG_LINES = 5;
export const VISIBLE_TASKS = 3;
const FAILURE_TAIL_LINES = 20;
const KEPT_TASKS = 20;

export interface TaskProgress extends ProgressSnapshot {
  readonly task: string;
}

export interface RunningStage {
  readonly name: string;
  readonly startedAt: number;
  readonly reasons: readonly StaleReason[];
  readonly previousDurationMs?: number;
  readonly progress?: ProgressSnapshot;
  /** Sub-tasks still in progress, in the order they first reported. */
  readonly tasks: readonly TaskProgress[];
  /** The last lines of output, newest last (enough for a failure's tail). */
  readonly tail: readonly string[];
  /** The latest value of each metric the stage reported, in first-reported order. */
  readonly metrics?: ReadonlyMap<string, number>;
}

export type FinishedItem =
  | {
      readonly kind: 'stage';
      readonly stage: string;
      readonly status: Exclude<StageStatus, 'skipped'>;
      readonly reasons: readonly StaleReason[];
      readonly durationMs: number;
      readonly savedMs?: number;
      readonly frozen?: true;
      readonly failure?: StageFailure;
      readonly tail: readonly string[];
      readonly logFile?: string;
      readonly metrics?: ReadonlyMap<string, number>;
    }
  | { readonly kind: 'restarted'; readonly stage: string; readonly durationMs: number }
  | { readonly kind: 'skipped'; readonly lines: readonly string[] }
  | { readonly kind: 'warning'; readonly message: string; readonly stage?: string }
  | { readonly kind: 'summary'; readonly summary: Extract<DagEvent, { type: 'summary' }> }
  | { readonly kind: 'watch'; readonly cycle: Extract<DagEvent, { type: 'watch-cycle' }> }
  | { readonly kind: 'diagnostics'; readonly messages: readonly string[] };

export type StatusCounts = Readonly<Record<StageStatus, number>>;

export interface InkState {
  readonly totalStages: number;
  readonly runStartedAt?: number;
  readonly running: readonly RunningStage[];
  /** Finished entries not yet written to the scrollback, oldest first. */
  readonly finished: readonly FinishedItem[];
  /** How many finished entries came before `finished[0]`: written and dropped. */
  readonly written: number;
  /** Skipped stages not yet grouped into `finished` (more may follow the same failure). */
  readonly pendingSkips: readonly SkippedStage[];
  /** Skips already grouped in this run: a later skip may go back through them to its failure. */
  readonly earlierSkips: readonly SkippedStage[];
  readonly statuses: Readonly<Record<string, StageStatus>>;
  readonly counts: StatusCounts;
  /** Recorded durations of restored and up-to-date stages (the summary's figure once it arrives). */
  readonly savedMs: number;
  readonly done: boolean;
}

const NO_COUNTS: StatusCounts = { ran: 0, restored: 0, 'up-to-date': 0, failed: 0, skipped: 0, cancelled: 0 };

export const initialState: InkState = {
  totalStages: 0,
  running: [],
  finished: [],
  written: 0,
  pendingSkips: [],
  earlierSkips: [],
  statuses: {},
  counts: NO_COUNTS,
  savedMs: 0,
  done: false,
};

export function reduce(state: InkState, event: DagEvent): InkState {
  const base = event.type === 'stage' && event.status === 'skipped' ? state : flushSkips(state);
  switch (event.type) {
    case 'run-start':
      return { ...base, totalStages: event.stages.length, runStartedAt: event.time, done: false, earlierSkips: [] };
    case 'stage-queued':
    case 'stage-exit':
      return base;
    case 'stage-metric':
      return updateRunning(base, event.stage, (stage) => ({ ...stage, metrics: new Map([...(stage.metrics ?? []), [event.name, event.value]]) }));
    case 'stage-start': {
      const stage: RunningStage = {
        name: event.stage,
        startedAt: event.time,
        reasons: event.reasons,
        ...(event.previousDurationMs !== undefined && { previousDurationMs: event.previousDurationMs }),
        tasks: [],
        tail: [],
      };
      return { ...base, running: [...base.running.filter((s) => s.name !== event.stage), stage] };
    }
    case 'stage-progress':
      return updateRunning(base, event.stage, (stage) => applyProgress(stage, event));
    case 'stage-log':
      return updateRunning(base, event.stage, (stage) => ({
        ...stage,
        tail: [...stage.tail.slice(-(FAILURE_TAIL_LINES - 1)), event.line],
      }));
    case 'stage':
      return finishStage(base, event);
    case 'warning':
      return append(base, { kind: 'warning', message: event.message, ...(event.stage !== undefined && { stage: event.stage }) });
    case 'summary':
      return { ...append(base, { kind: 'summary', summary: event }), savedMs: event.savedMs, done: true };
    case 'watch-cycle':
      if (event.phase === 'start') {
        // Until this cycle's run starts there is no run to count: a cycle that stops at an invalid
        // pipeline, or waits for another run, must not keep showing the last run's footer.
        const { runStartedAt: _last, ...rest } = append(base, { kind: 'watch', cycle: event });
        return { ...rest, totalStages: 0, counts: NO_COUNTS, savedMs: 0, statuses: {}, done: false };
      }
      return event.phase === 'idle' ? append(base, { kind: 'watch', cycle: event }) : base;
    case 'diagnostics':
      return append(base, { kind: 'diagnostics', messages: event.messages });
  }
}

function applyProgress(stage: RunningStage, event: Extract<DagEvent, { type: 'stage-progress' }>): RunningStage {
  const snapshot: ProgressSnapshot = {
    current: event.current,
    ...(event.total !== undefined && { total: event.total }),
    ...(event.unit !== undefined && { unit: event.unit }),
    ...(event.message !== undefined && { message: event.message }),
  };
  if (event.task === undefined) return { ...stage, progress: snapshot };
  const finished = event.total !== undefined && event.current >= event.total;
  const others = stage.tasks.filter((t) => t.task !== event.task);
  if (finished) return { ...stage, tasks: others };
  const index = stage.tasks.findIndex((t) => t.task === event.task);
  const task: TaskProgress = { task: event.task, ...snapshot };
  const tasks = index >= 0 ? stage.tasks.map((t, i) => (i === index ? task : t)) : [...others, task].slice(-KEPT_TASKS);
  return { ...stage, tasks };
}

function finishStage(state: InkState, event: Extract<DagEvent, { type: 'stage' }>): InkState {
  if (event.restarted) {
    // Not done: it starts again at once, and is counted by how that run ends.
    const next = { ...state, running: state.running.filter((s) => s.name !== event.stage) };
    return append(next, { kind: 'restarted', stage: event.stage, durationMs: event.durationMs });
  }
  const running = state.running.find((s) => s.name === event.stage);
  const next: InkState = {
    ...state,
    running: state.running.filter((s) => s.name !== event.stage),
    statuses: { ...state.statuses, [event.stage]: event.status },
    counts: { ...state.counts, [event.status]: state.counts[event.status] + 1 },
    savedMs: state.savedMs + (event.status === 'restored' || event.status === 'up-to-date' ? (event.savedMs ?? 0) : 0),
  };
  if (event.status === 'skipped') {
    return { ...next, pendingSkips: [...state.pendingSkips, { stage: event.stage, because: event.skippedBecause ?? [], ...(event.skippedAfterStop !== undefined && { afterStop: event.skippedAfterStop }) }] };
  }
  return append(next, {
    kind: 'stage',
    stage: event.stage,
    status: event.status,
    reasons: event.reason.length > 0 ? event.reason : (running?.reasons ?? []),
    durationMs: event.durationMs,
    ...(event.savedMs !== undefined && { savedMs: event.savedMs }),
    ...(event.frozen && { frozen: true }),
    ...(event.failure !== undefined && { failure: event.failure }),
    tail: event.failure?.tail ?? running?.tail ?? [],
    ...(event.logFile !== undefined && { logFile: event.logFile }),
    ...(running?.metrics !== undefined && { metrics: running.metrics }),
  });
}

function updateRunning(state: InkState, name: string, update: (stage: RunningStage) => RunningStage): InkState {
  const index = state.running.findIndex((s) => s.name === name);
  if (index < 0) return state;
  return { ...state, running: state.running.map((s, i) => (i === index ? update(s) : s)) };
}

function append(state: InkState, item: FinishedItem): InkState {
  return { ...state, finished: [...state.finished, item] };
}

/** Drops the finished entries before index `upTo` (counted from the first ever): they are on screen. */
export function dropWritten(state: InkState, upTo: number): InkState {
  const count = Math.min(upTo - state.written, state.finished.length);
  if (count <= 0) return state;
  return { ...state, finished: state.finished.slice(count), written: state.written + count };
}

function flushSkips(state: InkState): InkState {
  if (state.pendingSkips.length === 0) return state;
  return {
    ...append(state, { kind: 'skipped', lines: describePendingSkips(state) }),
    pendingSkips: [],
    earlierSkips: [...state.earlierSkips, ...state.pendingSkips],
  };
}

export function describePendingSkips(state: InkState): string[] {
  return describeSkipped(
    state.pendingSkips,
    (stage) => {
      const status = state.statuses[stage];
      return status === 'failed' || status === 'cancelled' ? status : undefined;
    },
    state.earlierSkips,
  );
}

export function reduceAll(events: readonly DagEvent[], state: InkState = initialState): InkState {
  return events.reduce(reduce, state);
}
