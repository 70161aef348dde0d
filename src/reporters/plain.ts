// One line per meaningful event: stable, greppable output for CI logs and pipes.
import type { DagEvent, Reporter, StageStatus } from '../events.js';
import { createPaint, type Paint } from './ansi.js';
import type { TextOutput } from './coalesced-output.js';
import {
  cancelledHow,
  describeFailure,
  describeReasons,
  describeSkipped,
  formatDuration,
  type SkippedStage,
} from './describe-reason.js';
import { createPlainProgressGate } from './plain-progress-gate.js';
import { plural } from './plural.js';
import { describeEta, formatCount } from './progress-math.js';

const FAILURE_TAIL_LINES = 20;

export interface PlainReporterOptions {
  readonly stream: TextOutput;
  readonly color: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

interface StageRecord {
  readonly startedAt: number;
  readonly recentLines: string[];
  readonly groupedLines: string[];
  readonly metrics: Map<string, number>;
}

export function createPlainReporter(options: PlainReporterOptions): Reporter {
  const paint = createPaint(options.color);
  const githubGroups = options.env?.['GITHUB_ACTIONS'] === 'true';
  const stages = new Map<string, StageRecord>();
  const finalStatus = new Map<string, StageStatus>();
  const gate = createPlainProgressGate();
  let pendingSkips: SkippedStage[] = [];
  /** Skips already printed in this run: a later skip may go back through them to its failure. */
  const earlierSkips: SkippedStage[] = [];

  // A reader that went away (`| head`) ends the output, not the run.
  const write = (line: string): void => {
    if (options.stream.writable !== false) options.stream.write(`${line}\n`);
  };

  const stageRecord = (stage: string, time: number): StageRecord => {
    let record = stages.get(stage);
    if (!record) {
      record = { startedAt: time, recentLines: [], groupedLines: [], metrics: new Map() };
      stages.set(stage, record);
    }
    return record;
  };

  const flushSkips = (): void => {
    if (pendingSkips.length === 0) return;
    const statusOf = (stage: string) => {
      const status = finalStatus.get(stage);
      return status === 'failed' || status === 'cancelled' ? status : undefined;
    };
    for (const line of describeSkipped(pendingSkips, statusOf, earlierSkips)) write(`  ${paint('yellow', line)}`);
    earlierSkips.push(...pendingSkips);
    pendingSkips = [];
  };

  const onEvent = (event: DagEvent): void => {
    if (!(event.type === 'stage' && event.status === 'skipped')) flushSkips();
    switch (event.type) {
      case 'run-start':
        earlierSkips.length = 0;
        write(paint('dim', `dagmake: ${plural(event.stages.length, 'stage')}, ${plural(event.jobs, 'job')}`));
        return;
      case 'stage-queued':
        return;
      case 'stage-start': {
        stages.delete(event.stage);
        gate.forget(event.stage);
        stageRecord(event.stage, event.time);
        const why = event.reasons.length > 0 ? ` (${describeReasons(event.reasons, 3)})` : '';
        write(`${paint('blue', '▶')} ${paint('bold', event.stage)}${why}`);
        return;
      }
      case 'stage-progress': {
        const record = stageRecord(event.stage, event.time);
        const key = event.task ? `${event.stage}\u0000${event.task}` : event.stage;
        if (!gate.shouldPrint(key, event.time, event.current, event.total)) return;
        const name = event.task ? `${event.stage} › ${event.task}` : event.stage;
        const parts = [formatCount(event)];
        if (event.message) parts.push(event.message);
        const eta = event.task ? undefined : describeEta(event, record.startedAt, event.time);
        if (eta) parts.push(eta);
        write(paint('dim', `  ${name} ${parts.join(' · ')}`));
        return;
      }
      case 'stage-log': {
        const record = stageRecord(event.stage, event.time);
        record.recentLines.push(event.line);
        if (record.recentLines.length > FAILURE_TAIL_LINES) record.recentLines.shift();
        if (githubGroups) record.groupedLines.push(event.line);
        else write(`  ${paint('gray', `[${event.stage}]`)} ${event.line}`);
        return;
      }
      case 'stage-exit':
        return;
      case 'stage-metric':
        stageRecord(event.stage, event.time).metrics.set(event.name, event.value);
        return;
      case 'stage':
        finishStage(event);
        return;
      case 'warning':
        write(paint('yellow', `⚠ ${event.stage ? `${event.stage}: ` : ''}${event.message}`));
        return;
      case 'summary':
        write(describeSummary(event, paint));
        return;
      case 'watch-cycle':
        describeWatchCycle(event).forEach(write);
        return;
      case 'diagnostics':
        for (const message of event.messages) write(paint('red', message));
        return;
    }
  };

  const finishStage = (event: Extract<DagEvent, { type: 'stage' }>): void => {
    if (event.restarted) {
      write(`${paint('yellow', '↻')} ${event.stage} restarted after ${formatDuration(event.durationMs)}: its inputs changed while it ran`);
      return;
    }
    finalStatus.set(event.stage, event.status);
    const record = stages.get(event.stage);
    stages.delete(event.stage);
    gate.forget(event.stage);
    switch (event.status) {
      case 'ran':
        write(`${paint('green', '✔')} ${event.stage} ran ${formatDuration(event.durationMs)}`);
        break;
      case 'restored': {
        const saved = event.savedMs !== undefined ? ` (saved ${formatDuration(event.savedMs)})` : '';
        write(`${paint('cyan', '↺')} ${event.stage} restored${saved}`);
        break;
      }
      case 'up-to-date':
        write(paint('dim', `· ${event.stage} ${event.frozen ? 'frozen (not checked)' : 'up to date'}`));
        break;
      case 'failed':
        write(`${paint('red', '✖')} ${event.stage} failed: ${describeFailure(event.failure)}`);
        break;
      case 'cancelled':
        write(`${paint('yellow', '⊘')} ${event.stage} cancelled after ${formatDuration(event.durationMs)}${cancelledHow(event.failure)}`);
        break;
      case 'skipped':
        pendingSkips.push({ stage: event.stage, because: event.skippedBecause ?? [], ...(event.skippedAfterStop !== undefined && { afterStop: event.skippedAfterStop }) });
        return;
    }
    if (record && record.metrics.size > 0) {
      const metrics = [...record.metrics].map(([name, value]) => `${name}=${value}`).join(' ');
      write(`  metrics: ${metrics}`);
    }
    if (githubGroups && record && record.groupedLines.length > 0) {
      write(`::group::${event.stage}`);
      record.groupedLines.forEach(write);
      write('::endgroup::');
    }
    if (event.status === 'failed') {
      const tail = (event.failure?.tail ?? record?.recentLines ?? []).slice(-FAILURE_TAIL_LINES);
      for (const line of tail) write(`    ${line}`);
    }
    if (event.logFile && (event.status === 'failed' || event.status === 'cancelled')) {
      write(`  log: ${event.logFile}`);
    }
  };

  return {
    onEvent,
    close: () =>
      new Promise<void>((resolve) => {
        flushSkips();
        if (options.stream.writable === false) resolve();
        else options.stream.write('', () => resolve());
      }),
  };
}

export function describeSummary(event: Extract<DagEvent, { type: 'summary' }>, paint: Paint): string {
  const counts = [
    `${event.ran} ran`,
    `${event.restored} restored`,
    `${event.upToDate} up to date`,
    event.failed > 0 ? paint('red', `${event.failed} failed`) : `${event.failed} failed`,
    `${event.skipped} skipped`,
  ];
  if (event.cancelled > 0) counts.push(`${event.cancelled} cancelled`);
  const saved = describeSaved(event);
  return `${counts.join(' · ')} in ${formatDuration(event.durationMs)}${saved ? ` (${saved})` : ''}`;
}

/**
 * The recorded run time of the stages that did not run: an estimate, and only partly the cache's
 * doing (up-to-date stages are skipped without it).
 */
export function describeSaved(event: Pick<Extract<DagEvent, { type: 'summary' }>, 'savedMs' | 'restored' | 'upToDate'>): string {
  if (event.savedMs <= 0) return '';
  const how = [event.restored > 0 && 'restoring from cache', event.upToDate > 0 && 'skipping up-to-date stages'].filter(Boolean);
  return `saved ~${formatDuration(event.savedMs)}${how.length > 0 ? ` by ${how.join(' and ')}` : ''}`;
}

export function describeWatchCycle(event: Extract<DagEvent, { type: 'watch-cycle' }>): string[] {
  switch (event.phase) {
    case 'start': {
      const changed = event.changed.length > 0 ? `: ${event.changed.slice(0, 5).join(', ')}${event.changed.length > 5 ? `, +${event.changed.length - 5}` : ''}` : '';
      return ['', `── cycle ${event.cycle} · ${event.changed.length} changed${changed} ──`];
    }
    case 'end':
      return [];
    case 'idle':
      return [`── watching ${plural(event.watchedFiles, 'file')} for changes (Ctrl-C to stop) ──`, ''];
  }
}
