// Restoring a large cached output from the run cache, against a plain copy of the same data.
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DirectoryProject } from '../generate.js';
import { median, timeOk } from './timing.js';
import { dagmakeRun, parseDagmakeRun } from './tools.js';

export interface RestoreResult {
  readonly files: number;
  readonly bytes: number;
  /** Median wall time of `dagmake run mirror` when the run cache restores the output. */
  readonly restoreRunSeconds: number;
  /** Median duration of the restoring stage itself (fingerprint, remove the old out, copy out of the cache). */
  readonly restoreStageSeconds: number;
  /** Median time of `cp -r --reflink=auto` of the same directory. */
  readonly copySeconds: number;
}

export interface RestoreBenchOptions {
  readonly reps: number;
  log(line: string): void;
}

export function runRestoreBench(project: DirectoryProject, options: RestoreBenchOptions): RestoreResult {
  const version = (v: string) => writeFileSync(path.join(project.root, 'in', 'version.txt'), `${v}\n`);
  const run = () => {
    const spec = dagmakeRun({ ...project, targets: { stages: ['mirror'], files: [] } });
    const timed = timeOk(spec);
    return { timed, ...parseDagmakeRun(timed) };
  };
  // Two versions of the output, both in the cache; from then on every switch is a restore.
  version('a');
  run();
  version('b');
  run();
  const walls: number[] = [];
  const stages: number[] = [];
  for (let i = 0; i < options.reps; i++) {
    version(i % 2 === 0 ? 'a' : 'b');
    const { timed, summary, stageMs } = run();
    if (summary.restored !== 1) options.log(`  warning: expected a restore, got ran=${summary.ran} restored=${summary.restored}`);
    walls.push(timed.seconds);
    stages.push((stageMs.get('mirror') ?? Number.NaN) / 1000);
  }
  const source = path.join(project.root, 'out', 'mirror');
  const target = path.join(project.root, 'cp-copy');
  const copies: number[] = [];
  for (let i = 0; i < options.reps; i++) {
    rmSync(target, { recursive: true, force: true });
    copies.push(timeOk({ command: 'cp', args: ['-r', '--reflink=auto', source, target], cwd: project.root }).seconds);
  }
  rmSync(target, { recursive: true, force: true });
  const result: RestoreResult = {
    files: project.data.files.length + 1,
    bytes: project.data.bytes,
    restoreRunSeconds: median(walls),
    restoreStageSeconds: median(stages),
    copySeconds: median(copies),
  };
  options.log(
    `  restore ${result.restoreRunSeconds.toFixed(3)} s (stage ${result.restoreStageSeconds.toFixed(3)} s) ` +
      `[${walls.map((s) => s.toFixed(3)).join(' ')}]; cp --reflink=auto ${result.copySeconds.toFixed(3)} s [${copies.map((s) => s.toFixed(3)).join(' ')}]`,
  );
  return result;
}
