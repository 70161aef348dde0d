// Human words for the engine's machine-readable reasons, durations and failures.
import type { StageFailure, StaleReason } from '../events.js';

const SHOWN_FILES = 2;

export function describeReason(reason: StaleReason): string {
  switch (reason.kind) {
    case 'never-run':
      return 'never run';
    case 'forced':
      return 'forced';
    case 'always-changed':
      return 'always changed';
    case 'definition-changed':
      return reason.changes?.length ? `definition changed: ${reason.changes.join('; ')}` : 'definition changed';
    case 'dep-changed':
      return `dep ${reason.path} changed${describeFiles(reason.files)}`;
    case 'dep-missing':
      return `dep ${reason.path} missing`;
    case 'params-missing':
      return `params file ${reason.file} not written yet by ${reason.producer}`;
    case 'param-changed':
      return `params ${reason.file}:${reason.key} ${formatValue(reason.old)} → ${formatValue(reason.new)}`;
    case 'out-missing':
      return `out ${reason.path} missing`;
    case 'out-changed':
      return `out ${reason.path} differs from the lock`;
    case 'type-changed':
      return `${reason.of} ${reason.path} is a ${reason.found}, expected a ${reason.expected}`;
  }
}

/** All reasons on one line; long lists end with `+N more`. */
export function describeReasons(reasons: readonly StaleReason[], max = 2): string {
  const shown = reasons.slice(0, max).map(describeReason);
  const rest = reasons.length - shown.length;
  return rest > 0 ? `${shown.join('; ')}; +${rest} more` : shown.join('; ');
}

function describeFiles(files: readonly string[] | undefined): string {
  if (!files || files.length === 0) return '';
  const shown = files.slice(0, SHOWN_FILES);
  const rest = files.length - shown.length;
  const names = rest > 0 ? [...shown, `+${rest}`] : shown;
  const noun = files.length === 1 ? 'file' : 'files';
  return ` (${files.length} ${noun}: ${names.join(', ')})`;
}

function formatValue(value: unknown): string {
  if (value === undefined) return '(unset)';
  if (typeof value === 'string') return value;
  return JSON.stringify(value) ?? String(value);
}

/** `0.4s`, `12.3s`, `3m04s`, `1h02m`. */
export function formatDuration(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 60_000) return `${(safe / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(safe / 1000);
  if (totalSeconds < 3600) {
    return `${Math.floor(totalSeconds / 60)}m${pad2(totalSeconds % 60)}s`;
  }
  const totalMinutes = Math.round(safe / 60_000);
  return `${Math.floor(totalMinutes / 60)}h${pad2(totalMinutes % 60)}m`;
}

/** Coarse, for estimates: `45s`, `3m`, `1h05m`. */
export function formatEta(ms: number): string {
  const safe = Math.max(0, ms);
  if (safe < 60_000) return `${Math.ceil(safe / 1000)}s`;
  const minutes = Math.round(safe / 60_000);
  if (minutes < 60) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h${pad2(minutes % 60)}m`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** `exit code 1`, `killed by SIGTERM`, or the engine's message with the code appended when missing. */
export function describeFailure(failure: StageFailure | undefined): string {
  if (!failure) return 'failed';
  const cause =
    failure.signal !== undefined
      ? `killed by ${failure.signal}`
      : failure.exitCode !== undefined
        ? `exit code ${failure.exitCode}`
        : undefined;
  const message = failure.message.trim();
  if (!message) return cause ?? 'failed';
  const alreadySaid = failure.signal ?? cause;
  if (!alreadySaid || message.includes(alreadySaid)) return message;
  return `${message} (${cause})`;
}

/** What follows `cancelled after 1.5s`: how the stage was stopped and where its partial outputs went. */
export function cancelledHow(failure: StageFailure | undefined): string {
  return failure === undefined ? '' : `: ${describeFailure(failure)}`;
}

export interface SkippedStage {
  readonly stage: string;
  readonly because: readonly string[];
  readonly afterStop?: 'failure' | 'cancel';
}

/**
 * `skipped because train failed: eval, export` — one line per distinct set of causes.
 * `statusOf` says whether each cause failed or was cancelled; `earlier` are the stages already
 * described as skipped in this run, whose own causes a later skip may go back to.
 */
export function describeSkipped(
  skipped: readonly SkippedStage[],
  statusOf: (stage: string) => 'failed' | 'cancelled' | undefined,
  earlier: readonly SkippedStage[] = [],
): string[] {
  const byCause = new Map<string, string[]>();
  const failures = failuresBehind([...earlier, ...skipped], statusOf);
  for (const { stage, because, afterStop } of skipped) {
    const causes = failures(because).map((c) => `${c} ${statusOf(c) === 'cancelled' ? 'was cancelled' : 'failed'}`).join(', ');
    const causeWords =
      afterStop === 'cancel'
        ? 'the run was cancelled'
        : afterStop === 'failure'
          ? `the run stopped after ${causes || 'a failure'} (-k runs what does not depend on it)`
          : causes || 'an upstream stage failed';
    const list = byCause.get(causeWords) ?? [];
    list.push(stage);
    byCause.set(causeWords, list);
  }
  return [...byCause].map(([cause, stages]) => `${cause.startsWith('the run ') ? 'not started' : 'skipped'} because ${cause}: ${stages.join(', ')}`);
}

/**
 * A cause that was itself skipped for its upstream is named by the failures behind it, so that a
 * stage two steps below a failure reads `skipped because train failed`, not that the skipped
 * stage between them failed.
 */
function failuresBehind(
  skipped: readonly SkippedStage[],
  statusOf: (stage: string) => 'failed' | 'cancelled' | undefined,
): (because: readonly string[]) => string[] {
  const causesOf = new Map(skipped.filter((s) => s.afterStop === undefined).map((s) => [s.stage, s.because]));
  const resolved = new Map<string, readonly string[]>();
  const resolve = (because: readonly string[]): string[] => [
    ...new Set(
      because.flatMap((cause) => {
        const upstream = causesOf.get(cause);
        if (statusOf(cause) !== undefined || upstream === undefined) return [cause];
        // Stages form a DAG, so this ends; remembering spares diamonds the repeated walk.
        let behind = resolved.get(cause);
        if (behind === undefined) resolved.set(cause, (behind = resolve(upstream)));
        return behind;
      }),
    ),
  ];
  return resolve;
}
