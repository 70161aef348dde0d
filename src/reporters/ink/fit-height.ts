// Keeps the live area shorter than the terminal. Once Ink's output reaches the last row, Ink
// clears the whole screen, scrollback included, and reprints every line ever printed above on
// each frame: the view flickers and, in watch mode, that reprint grows with every cycle.
import { VISIBLE_LOG_LINES, VISIBLE_TASKS, type RunningStage } from './state.js';

export interface LiveLayout {
  /** The running stages drawn, in order; the rest are counted on one line. */
  readonly stages: readonly RunningStage[];
  /** Log lines drawn under each stage. */
  readonly logLines: number;
  readonly hiddenStages: number;
}

/**
 * Fits the running stages into `lines` rows: fewer log lines first, then fewer stages (the
 * count of the others takes a row).
 */
export function fitLiveArea(running: readonly RunningStage[], showLogs: boolean, lines: number): LiveLayout {
  const total = (logLines: number) => running.reduce((sum, stage) => sum + stageHeight(stage, logLines), 0);
  for (let logLines = showLogs ? VISIBLE_LOG_LINES : 0; logLines >= 0; logLines--) {
    if (total(logLines) <= lines) return { stages: running, logLines, hiddenStages: 0 };
  }
  const stages: RunningStage[] = [];
  let used = 1;
  for (const stage of running) {
    used += stageHeight(stage, 0);
    if (used > lines) break;
    stages.push(stage);
  }
  return { stages, logLines: 0, hiddenStages: running.length - stages.length };
}

/** Rows RunningStage draws: its line, progress, sub-tasks (and their "+N more"), log lines. */
function stageHeight(stage: RunningStage, logLines: number): number {
  const tasks = Math.min(stage.tasks.length, VISIBLE_TASKS) + (stage.tasks.length > VISIBLE_TASKS ? 1 : 0);
  return 1 + (stage.progress !== undefined ? 1 : 0) + tasks + Math.min(stage.tail.length, logLines);
}
