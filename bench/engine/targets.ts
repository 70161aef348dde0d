// The project's performance goals, checked against one run's numbers.
import type { DirectoryResult } from './directory-bench.js';
import type { RestoreResult } from './restore-bench.js';
import type { Measurement } from './scenarios.js';
import { table } from './report.js';

export interface RunResults {
  readonly floorSeconds: number;
  readonly engine: readonly Measurement[];
  readonly directory?: DirectoryResult;
  readonly restore?: RestoreResult;
  readonly sleep?: {
    readonly stages: number;
    readonly seconds: number;
    readonly ideal: number;
    /** dagmake's start-up (to the first stage's start) and schedule (first start to last end). */
    readonly startupSeconds?: number;
    readonly scheduleSeconds?: number;
    /** The peers' wall-clock times for the same build. */
    readonly peers: readonly { readonly tool: string; readonly seconds: number }[];
  };
}

interface Target {
  readonly goal: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

const s = (x: number) => `${x.toFixed(3)} s`;

export function checkTargets(r: RunResults): Target[] {
  const find = (workload: string, tool: string, phase: string) =>
    r.engine.find((m) => m.workload === workload && m.tool === tool && m.phase === phase)?.seconds;
  const targets: Target[] = [];
  const noop100 = find('copy-100', 'dagmake', 'noop');
  if (noop100 !== undefined) {
    const limit = 1.5 * r.floorSeconds;
    targets.push({
      goal: `no-op, 100 stages ≤ 1.5 × \`node -e 0\` (${s(limit)})`,
      measured: `${s(noop100)} (${(noop100 / r.floorSeconds).toFixed(2)}× floor)`,
      met: noop100 <= limit,
    });
  }
  const noop5000 = find('copy-5000', 'dagmake', 'noop');
  if (noop5000 !== undefined) targets.push({ goal: 'no-op, 5,000 stages ≤ 0.25 s', measured: s(noop5000), met: noop5000 <= 0.25 });
  if (r.directory) {
    const d = r.directory;
    const opened = d.noopFilesOpened === undefined ? 'not checked' : `${d.noopFilesOpened} data files opened`;
    targets.push({
      goal: `no-op over ${d.files.toLocaleString('en')} files ≤ 0.2 s without reading content`,
      measured: `${s(d.noopSeconds)}, ${opened}`,
      met: d.noopSeconds <= 0.2 && (d.noopFilesOpened ?? 0) === 0,
    });
    targets.push({
      goal: 'first hash of that directory ≥ 1.3 GB/s using both cores',
      measured: `${d.hashGBps.toFixed(2)} GB/s, cpu/wall ${d.cpuPerWall.toFixed(2)}`,
      met: d.hashGBps >= 1.3,
    });
  }
  const build1000 = find('copy-1000', 'dagmake', 'first');
  const make1000 = find('copy-1000', 'make', 'first');
  if (build1000 !== undefined && make1000 !== undefined) {
    targets.push({
      goal: `first build, 1,000 stages ≤ 1.5 × \`make -j2\` (${s(1.5 * make1000)})`,
      measured: `${s(build1000)} (${(build1000 / make1000).toFixed(2)}× make)`,
      met: build1000 <= 1.5 * make1000,
    });
  }
  if (r.sleep) {
    const { ideal } = r.sleep;
    const over = (x: number) => `+${((x / ideal - 1) * 100).toFixed(1)}%`;
    const peers = r.sleep.peers.map((p) => `; ${p.tool} ${s(p.seconds)} (${over(p.seconds)})`).join('');
    const startup = r.sleep.startupSeconds === undefined ? '' : `, ${s(r.sleep.startupSeconds)} of it before the first stage`;
    targets.push({
      goal: `${r.sleep.stages} × 0.25 s sleeps, -j 2, within 5% of ${ideal.toFixed(1)} s (wall clock)`,
      measured: `${s(r.sleep.seconds)} (${over(r.sleep.seconds)})${startup}${peers}`,
      met: r.sleep.seconds <= 1.05 * ideal,
    });
    if (r.sleep.scheduleSeconds !== undefined) {
      targets.push({
        goal: `the same, first stage start to last stage end, within 5% of ${ideal.toFixed(1)} s`,
        measured: `${s(r.sleep.scheduleSeconds)} (${over(r.sleep.scheduleSeconds)})`,
        met: r.sleep.scheduleSeconds <= 1.05 * ideal,
      });
    }
  }
  if (r.restore) {
    targets.push({
      goal: `restore of ${(r.restore.bytes / 1e6).toFixed(0)} MB no slower than \`cp --reflink=auto\``,
      measured: `${s(r.restore.restoreRunSeconds)} run / ${s(r.restore.restoreStageSeconds)} stage vs cp ${s(r.restore.copySeconds)}`,
      met: r.restore.restoreRunSeconds <= r.restore.copySeconds,
    });
  }
  return targets;
}

export function targetsTable(targets: readonly Target[]): string {
  return table(
    ['goal', 'measured', 'met'],
    targets.map((t) => [t.goal, t.measured, t.met === undefined ? '–' : t.met ? 'yes' : '**no**']),
  );
}
