// A stage that is still running: spinner, elapsed time, why it runs, progress, sub-tasks, logs.
import { Box } from 'ink';
import { describeReasons, formatDuration, formatEta } from '../describe-reason.js';
import { formatCount, formatRate, ratePerSecond, remainingMs, type ProgressSnapshot } from '../progress-math.js';
import { progressBar, spinnerFrame } from './spinner.js';
import { VISIBLE_TASKS, type RunningStage as RunningStageState } from './state.js';
import { Line, Tinted } from './Tinted.js';

const BAR_WIDTH = 20;

export interface RunningStageProps {
  readonly stage: RunningStageState;
  readonly now: number;
  /** How many of the last log lines to draw. */
  readonly logLines: number;
}

export function RunningStage({ stage, now, logLines }: RunningStageProps) {
  const elapsed = now - stage.startedAt;
  const why = stage.reasons.length > 0 ? ` · ${describeReasons(stage.reasons)}` : '';
  const previous =
    stage.progress === undefined && stage.previousDurationMs !== undefined
      ? ` · ETA ~${formatEta(stage.previousDurationMs - elapsed)} (last run ${formatDuration(stage.previousDurationMs)})`
      : '';
  const hiddenTasks = stage.tasks.length - VISIBLE_TASKS;
  return (
    <Box flexDirection="column">
      <Line>
        <Tinted color="yellow">{spinnerFrame(now)}</Tinted> <Tinted bold>{stage.name}</Tinted> {formatDuration(elapsed)}
        <Tinted dim>
          {previous}
          {why}
        </Tinted>
      </Line>
      {stage.progress !== undefined && (
        <Line>
          {'  '}
          {describeProgress(stage.progress, stage.startedAt, now)}
        </Line>
      )}
      {stage.tasks.slice(0, VISIBLE_TASKS).map((task) => (
        <Line key={task.task}>
          {'  ↳ '}
          {task.task} {formatCount(task)}
          {task.message !== undefined ? ` · ${task.message}` : ''}
        </Line>
      ))}
      {hiddenTasks > 0 && <Line>{`  ↳ +${hiddenTasks} more`}</Line>}
      {logLines > 0 &&
        stage.tail.slice(-logLines).map((line, index) => (
          <Line key={index}>
            <Tinted dim>{`  │ ${line}`}</Tinted>
          </Line>
        ))}
    </Box>
  );
}

/** `████░░░░ 3/10 epoch · 0.3 epoch/s · ETA 28s · message` (no bar without a total). */
export function describeProgress(progress: ProgressSnapshot, startedAt: number, now: number): string {
  const parts: string[] = [];
  const count = formatCount(progress);
  parts.push(progress.total ? `${progressBar(progress.current / progress.total, BAR_WIDTH)} ${count}` : count);
  const rate = ratePerSecond(progress.current, startedAt, now);
  if (rate !== undefined) parts.push(formatRate(rate, progress.unit));
  const left = remainingMs(progress, startedAt, now);
  if (left !== undefined) parts.push(`ETA ${formatEta(left)}`);
  if (progress.message !== undefined) parts.push(progress.message);
  return parts.join(' · ');
}
