// The build tools under test: how each builds a generated project and how its state is wiped.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GeneratedProject } from '../generate.js';
import type { CommandSpec, Timed } from './timing.js';

export type ToolName = 'dagmake' | 'make' | 'ninja' | 'snakemake';

export interface Tool {
  readonly name: ToolName;
  /** The command that builds the project's default targets with two jobs. */
  build(project: GeneratedProject): CommandSpec;
  /** Removes outputs and every trace of earlier builds: the next build is a first build. */
  reset(project: GeneratedProject): void;
}

export const JOBS = 2;

/** dist/bench/engine/tools.js → dist/bin/cli.js, the bundled CLI users run */
export const DAGMAKE_CLI = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'cli.js');

function wipe(root: string, paths: readonly string[]): void {
  for (const p of paths) rmSync(path.join(root, p), { recursive: true, force: true });
  mkdirSync(path.join(root, 'out'), { recursive: true });
}

export function dagmakeRun(project: GeneratedProject, extraArgs: readonly string[] = []): CommandSpec {
  return {
    command: process.execPath,
    args: [DAGMAKE_CLI, 'run', '-C', project.root, '--json', '-j', String(JOBS), ...extraArgs, ...(project.targets?.stages ?? [])],
    cwd: project.root,
  };
}

export const dagmake: Tool = {
  name: 'dagmake',
  build: (project) => dagmakeRun(project),
  reset: (project) => wipe(project.root, ['out', '.dagmake', 'cache', 'dagmake.lock']),
};

export const make: Tool = {
  name: 'make',
  build: (project) => ({ command: 'make', args: [`-j${JOBS}`, '-s'], cwd: project.root }),
  reset: (project) => wipe(project.root, ['out']),
};

export const ninja: Tool = {
  name: 'ninja',
  build: (project) => ({ command: 'ninja', args: [`-j${JOBS}`, '--quiet'], cwd: project.root }),
  reset: (project) => wipe(project.root, ['out', '.ninja_log', '.ninja_deps']),
};

export const snakemake: Tool = {
  name: 'snakemake',
  build: (project) => ({ command: 'snakemake', args: ['--cores', String(JOBS), '--quiet'], cwd: project.root }),
  reset: (project) => wipe(project.root, ['out', '.snakemake']),
};

export interface DagmakeSummary {
  readonly ran: number;
  readonly restored: number;
  readonly upToDate: number;
  readonly failed: number;
  readonly durationMs: number;
}

export interface DagmakeRun {
  readonly summary: DagmakeSummary;
  readonly stageMs: Map<string, number>;
  /**
   * Seconds from launching dagmake to its first stage's start, and from there to the last stage's
   * end: start-up (Node, loading and checking the pipeline) apart from the schedule itself.
   * Undefined when no stage started.
   */
  readonly startupSeconds?: number;
  readonly scheduleSeconds?: number;
}

/** The summary event of a `dagmake run --json`, with the duration of each finished stage. */
export function parseDagmakeRun(timed: Timed): DagmakeRun {
  let summary: DagmakeSummary | undefined;
  const stageMs = new Map<string, number>();
  let firstStart = Number.POSITIVE_INFINITY;
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const line of timed.stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    const event = JSON.parse(line) as { type?: string; stage?: string; durationMs?: number; time?: number } & Partial<DagmakeSummary>;
    if (event.type === 'summary') summary = event as DagmakeSummary;
    else if (event.type === 'stage-start' && event.time !== undefined) firstStart = Math.min(firstStart, event.time);
    else if (event.type === 'stage' && event.stage !== undefined) {
      stageMs.set(event.stage, event.durationMs ?? Number.NaN);
      if (event.time !== undefined) lastEnd = Math.max(lastEnd, event.time);
    }
  }
  if (!summary) throw new Error(`dagmake printed no summary event:\n${timed.stderr.slice(-2000)}`);
  if (!Number.isFinite(firstStart) || !Number.isFinite(lastEnd)) return { summary, stageMs };
  return { summary, stageMs, startupSeconds: (firstStart - timed.startedAt) / 1000, scheduleSeconds: (lastEnd - firstStart) / 1000 };
}
