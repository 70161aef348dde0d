// The many-file directory dep: first hash throughput, and a no-op that must only stat.
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { DirectoryProject } from '../generate.js';
import { median, timeOk } from './timing.js';
import { dagmake, dagmakeRun, parseDagmakeRun } from './tools.js';

export interface DirectoryResult {
  readonly files: number;
  readonly bytes: number;
  /** Median wall time of a first build (fresh state: nothing hashed, nothing cached). */
  readonly firstBuildSeconds: number;
  /** Median time of the stage itself in that build: walk + hash of every file + the command. */
  readonly firstStageSeconds: number;
  /** bytes / firstStageSeconds. */
  readonly hashGBps: number;
  /** Child CPU seconds / wall seconds of the first build (2.0 = both cores busy throughout). */
  readonly cpuPerWall: number;
  readonly noopSeconds: number;
  /** Regular files under data/ that a no-op run opened (strace), or undefined when strace is unavailable. */
  readonly noopFilesOpened: number | undefined;
}

export interface DirectoryBenchOptions {
  readonly firstReps: number;
  readonly noopReps: number;
  readonly strace: boolean;
  log(line: string): void;
}

export function runDirectoryBench(project: DirectoryProject, options: DirectoryBenchOptions): DirectoryResult {
  const walls: number[] = [];
  const stages: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < options.firstReps; i++) {
    dagmake.reset(project);
    const timed = timeOk(dagmakeRun(project));
    const { summary, stageMs } = parseDagmakeRun(timed);
    if (summary.ran !== 1) options.log(`  warning: first build ran ${summary.ran} stages`);
    walls.push(timed.seconds);
    stages.push((stageMs.get('summary') ?? Number.NaN) / 1000);
    cpu.push(timed.cpuSeconds / timed.seconds);
  }
  const noops: number[] = [];
  for (let i = 0; i < options.noopReps; i++) {
    const timed = timeOk(dagmakeRun(project));
    if (parseDagmakeRun(timed).summary.upToDate !== 1) options.log('  warning: no-op run was not up to date');
    noops.push(timed.seconds);
  }
  const firstStageSeconds = median(stages);
  const result: DirectoryResult = {
    files: project.data.files.length,
    bytes: project.data.bytes,
    firstBuildSeconds: median(walls),
    firstStageSeconds,
    hashGBps: project.data.bytes / 1e9 / firstStageSeconds,
    cpuPerWall: median(cpu),
    noopSeconds: median(noops),
    noopFilesOpened: options.strace ? countDataOpens(project) : undefined,
  };
  options.log(
    `  ${project.kind} first build ${result.firstBuildSeconds.toFixed(3)} s, stage ${firstStageSeconds.toFixed(3)} s ` +
      `(${result.hashGBps.toFixed(2)} GB/s, cpu/wall ${result.cpuPerWall.toFixed(2)}), no-op ${result.noopSeconds.toFixed(3)} s ` +
      `[${noops.map((s) => s.toFixed(3)).join(' ')}], files opened on no-op: ${result.noopFilesOpened ?? 'n/a'}`,
  );
  return result;
}

/** Runs one no-op under strace and counts the regular files under data/ it opened. */
function countDataOpens(project: DirectoryProject): number | undefined {
  const trace = path.join(project.root, 'noop.strace');
  const run = dagmakeRun(project);
  try {
    timeOk({ command: 'strace', args: ['-f', '-qq', '-e', 'trace=open,openat,openat2', '-o', trace, run.command, ...run.args], cwd: run.cwd });
  } catch {
    return undefined;
  }
  const dataDir = `${path.join(project.root, 'data')}/`;
  const opened = readFileSync(trace, 'utf8')
    .split('\n')
    .filter((line) => line.includes(`"${dataDir}`) && !line.includes('O_DIRECTORY'));
  rmSync(trace, { force: true });
  return opened.length;
}
