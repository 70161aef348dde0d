// First build, no-op and one-input-changed timings of one project, for each tool in turn.
import type { GeneratedProject } from '../generate.js';
import { median, timeOk, type Timed } from './timing.js';
import { type DagmakeRun, parseDagmakeRun, type Tool, type ToolName } from './tools.js';

export type Phase = 'first' | 'noop' | 'change';

export interface Measurement {
  readonly workload: string;
  readonly tool: ToolName;
  readonly phase: Phase;
  /** Median wall-clock seconds. */
  readonly seconds: number;
  readonly samples: readonly number[];
  readonly cpuSeconds: number;
  /** dagmake only: median seconds to the first stage's start, and from there to the last stage's end. */
  readonly startupSeconds?: number;
  readonly scheduleSeconds?: number;
}

export interface Repetitions {
  readonly first: number;
  readonly noop: number;
  readonly change: number;
}

export interface Scenario {
  readonly project: GeneratedProject;
  readonly tools: readonly Tool[];
  readonly reps: Repetitions;
  /** Changes one input to a value it never had before. */
  change(counter: number): void;
  /** How many stages the change makes stale. */
  readonly changedStages: number;
  log(line: string): void;
}

let changeCounter = 0;

/**
 * File mtimes advance in coarse kernel ticks: an input rewritten within a tick of the previous
 * build's outputs looks no newer than them to make, ninja and snakemake. Waiting (untimed)
 * before each change keeps the comparison about the tools, not about the clock.
 */
const MTIME_TICK_MS = 30;
const pause = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export function measureScenario(scenario: Scenario): Measurement[] {
  const { project } = scenario;
  const total = project.targets?.stages.length ?? project.stages.length;
  const expected: Record<Phase, number> = { first: total, noop: 0, change: scenario.changedStages };
  // Snakemake spends seconds per run on its own bookkeeping: fewer repetitions keep the run short.
  const repsOf = (tool: Tool) => (tool.name === 'snakemake' ? capped(scenario.reps, total) : scenario.reps);
  const timedBuild = (tool: Tool, phase: Phase): Timed => {
    const timed = timeOk(tool.build(project));
    if (tool.name === 'dagmake') {
      const { summary } = parseDagmakeRun(timed);
      if (summary.ran !== expected[phase] || summary.failed !== 0) {
        scenario.log(`  warning: dagmake ${phase} on ${project.kind} ran ${summary.ran} stages (expected ${expected[phase]}), failed ${summary.failed}`);
      }
    }
    return timed;
  };
  const measurement = (tool: Tool, phase: Phase, timings: readonly Timed[]): Measurement => {
    const samples = timings.map((t) => t.seconds);
    const runs = tool.name === 'dagmake' ? timings.map(parseDagmakeRun) : [];
    const medianOf = (pick: (run: DagmakeRun) => number | undefined) => {
      const values = runs.map(pick).filter((v): v is number => v !== undefined);
      return values.length === runs.length && values.length > 0 ? median(values) : undefined;
    };
    const startupSeconds = medianOf((r) => r.startupSeconds);
    const scheduleSeconds = medianOf((r) => r.scheduleSeconds);
    const m: Measurement = {
      workload: project.kind,
      tool: tool.name,
      phase,
      seconds: median(samples),
      samples,
      cpuSeconds: median(timings.map((t) => t.cpuSeconds)),
      ...(startupSeconds !== undefined && { startupSeconds }),
      ...(scheduleSeconds !== undefined && { scheduleSeconds }),
    };
    scenario.log(`  ${project.kind.padEnd(10)} ${tool.name.padEnd(9)} ${phase.padEnd(6)} ${m.seconds.toFixed(3)} s  [${samples.map((x) => x.toFixed(3)).join(' ')}]`);
    return m;
  };

  // First builds take turns between the tools, so load that comes and goes on a shared machine
  // falls on all of them alike and the ratios stay meaningful.
  const firsts = new Map<ToolName, Timed[]>(scenario.tools.map((tool) => [tool.name, []]));
  const rounds = Math.max(...scenario.tools.map((tool) => repsOf(tool).first));
  let lastBuilt: Tool | undefined;
  for (let round = 0; round < rounds; round++) {
    for (const tool of scenario.tools) {
      if (round >= repsOf(tool).first) continue;
      tool.reset(project);
      firsts.get(tool.name)!.push(timedBuild(tool, 'first'));
      lastBuilt = tool;
    }
  }

  const results: Measurement[] = [];
  for (const tool of scenario.tools) {
    results.push(measurement(tool, 'first', firsts.get(tool.name)!));
    if (lastBuilt !== tool) {
      // Untimed: the no-op and change phases start from this tool's own complete build.
      tool.reset(project);
      timedBuild(tool, 'first');
      lastBuilt = tool;
    }
    const collect = (phase: Phase, runs: number, before: () => void) => {
      const timings: Timed[] = [];
      for (let i = 0; i < runs; i++) {
        before();
        timings.push(timedBuild(tool, phase));
      }
      results.push(measurement(tool, phase, timings));
    };
    collect('noop', repsOf(tool).noop, () => undefined);
    collect('change', repsOf(tool).change, () => {
      pause(MTIME_TICK_MS);
      scenario.change(++changeCounter);
    });
  }
  return results;
}

function capped(reps: Repetitions, stages: number): Repetitions {
  const most = stages >= 1000 ? 1 : 3;
  return { first: Math.min(reps.first, most), noop: Math.min(reps.noop, 3), change: Math.min(reps.change, most) };
}
