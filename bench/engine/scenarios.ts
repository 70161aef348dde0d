// First build, no-op and one-input-changed timings of one project, for each tool in turn.
import type { GeneratedProject } from '../generate.js';
import { median, timeOk, type Timed } from './timing.js';
import { parseDagmakeRun, type Tool, type ToolName } from './tools.js';

export type Phase = 'first' | 'noop' | 'change';

export interface Measurement {
  readonly workload: string;
  readonly tool: ToolName;
  readonly phase: Phase;
  /** Median wall-clock seconds. */
  readonly seconds: number;
  readonly samples: readonly number[];
  readonly cpuSeconds: number;
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
  const results: Measurement[] = [];
  for (const tool of scenario.tools) {
    // Snakemake spends seconds per run on its own bookkeeping: fewer repetitions keep the run short.
    const reps = tool.name === 'snakemake' ? capped(scenario.reps, total) : scenario.reps;
    const collect = (phase: Phase, runs: number, before: () => void) => {
      const timings: Timed[] = [];
      for (let i = 0; i < runs; i++) {
        before();
        const timed = timeOk(tool.build(project));
        if (tool.name === 'dagmake') {
          const { summary } = parseDagmakeRun(timed);
          if (summary.ran !== expected[phase] || summary.failed !== 0) {
            scenario.log(`  warning: dagmake ${phase} on ${project.kind} ran ${summary.ran} stages (expected ${expected[phase]}), failed ${summary.failed}`);
          }
        }
        timings.push(timed);
      }
      const samples = timings.map((t) => t.seconds);
      const m: Measurement = {
        workload: project.kind,
        tool: tool.name,
        phase,
        seconds: median(samples),
        samples,
        cpuSeconds: median(timings.map((t) => t.cpuSeconds)),
      };
      scenario.log(`  ${project.kind.padEnd(10)} ${tool.name.padEnd(9)} ${phase.padEnd(6)} ${m.seconds.toFixed(3)} s  [${samples.map((s) => s.toFixed(3)).join(' ')}]`);
      results.push(m);
    };
    collect('first', reps.first, () => tool.reset(project));
    collect('noop', reps.noop, () => undefined);
    collect('change', reps.change, () => {
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
