import { computeStatus } from '../../engine/compute-status.js';
import { readLastFailures } from '../../engine/last-failures.js';
import { predictRun, type PredictedAction, type PredictOptions, type StagePrediction } from '../../engine/predict-run.js';
import type { Selection } from '../../graph/select-stages.js';
import { describeReasons } from '../../reporters/describe-reason.js';
import { liveLockHolder } from '../../project-mutex.js';
import { describeRunInProgress } from '../../run-in-progress.js';
import type { CommandIo } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import type { GlobalOptions } from '../global-options.js';
import { lastFailureNote } from '../last-failure-note.js';
import { printDiagnostics } from '../print-diagnostics.js';

export interface DryRunOptions extends PredictOptions {
  /** NDJSON, one `{"type":"plan",...}` object per stage. */
  readonly json: boolean;
  /** `-k`: a failure stops only what depends on it. */
  readonly keepGoing: boolean;
}

/** `run --dry`: the plan, like `dvc repro --dry`: what would run, be restored or stay, and why. */
export async function printDryRun(global: GlobalOptions, selection: Selection, options: DryRunOptions, io: CommandIo): Promise<number> {
  const status = await computeStatus(global.file, global.displayPath, selection);
  if (!status.ok) {
    printDiagnostics(io.stderr, status.error);
    return ExitCode.usage;
  }
  const { graph, reports } = status.value;
  const running = await liveLockHolder(graph.pipeline.root);
  if (running) (options.json ? io.stderr : io.stdout).write(`${describeRunInProgress(running)}\n`);
  const plan = await predictRun(graph, reports, options);
  const actions = new Map(plan.map((p) => [p.stage, p.action]));
  const lastFailures = await readLastFailures(graph.pipeline.root);
  for (const prediction of plan) {
    // Only a stage that would be tried again can fail again.
    const lastFailure = prediction.action === 'run' || prediction.action === 'may-run' ? lastFailures.get(prediction.stage) : undefined;
    io.stdout.write(
      options.json
        ? `${JSON.stringify(planEvent(prediction, lastFailure))}\n`
        : `${describePrediction(prediction, actions)}${lastFailureNote(prediction.stage, lastFailure)}\n`,
    );
  }
  const failing = plan.filter((p) => p.action === 'fail').map((p) => p.stage);
  if (!options.json && !options.keepGoing && failing.length > 0 && plan.some((p) => p.action !== 'fail' && p.action !== 'skip')) {
    // Fail-fast: which other stages start before the failure depends on timing.
    io.stdout.write(`once ${listWords(failing, 'or')} fails, stages not started yet would not start (-k runs what does not depend on it)\n`);
  }
  return ExitCode.ok;
}

function planEvent(p: StagePrediction, lastFailure: string | undefined) {
  return {
    type: 'plan',
    stage: p.stage,
    action: p.action,
    reasons: p.reasons,
    ...(p.upstream.length > 0 && { upstream: p.upstream }),
    ...(p.frozen && { frozen: true }),
    ...(p.failure && { failure: p.failure }),
    ...(lastFailure !== undefined && { lastFailure }),
  };
}

function describePrediction(p: StagePrediction, actions: ReadonlyMap<string, PredictedAction>): string {
  switch (p.action) {
    case 'up-to-date':
      return `up to date ${p.stage}${p.frozen ? ' (frozen, not checked)' : ''}`;
    case 'restore':
      return `would restore ${p.stage}${p.frozen ? ' (frozen) from the cache' : ' from the run cache'}: ${describeReasons(p.reasons, 5)}`;
    case 'run':
      return `would run ${p.stage}: ${describeReasons(p.reasons, 5)}${p.upstream.length > 0 ? ` (or restore it, depending on what ${produces(p.upstream)})` : ''}`;
    case 'may-run':
      return `may run ${p.stage} (if ${listWords(p.upstream, 'or')} produces different outputs)`;
    case 'fail':
      return `would fail ${p.stage}: ${p.failure?.message ?? describeReasons(p.reasons, 5)}`;
    case 'skip':
      return `would skip ${p.stage}: ${listWords(
        p.upstream.map((up) => `${up} would ${actions.get(up) === 'fail' ? 'fail' : 'be skipped'}`),
        'and',
      )}`;
  }
}

/** `a produces`, `a and b produce`. */
function produces(stages: readonly string[]): string {
  return `${listWords(stages, 'and')} ${stages.length === 1 ? 'produces' : 'produce'}`;
}

/** `a`, `a or b`, `a, b or c`. */
function listWords(items: readonly string[], conjunction: string): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}
