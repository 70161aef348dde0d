// Engine benchmarks: dagmake against make, ninja (and snakemake when installed) on synthetic
// projects, plus the project's performance goals. Usage:
//   npm run bench -- [--quick] [--only copy,chain,sleep,dir,restore] [--no-snakemake] [--json FILE] [--keep]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseOrExit } from './positional-args.js';
import { generateChain, generateCopies, generateDirectory, generateSleeps, type DirectoryProject } from './generate.js';
import { runDirectoryBench } from './engine/directory-bench.js';
import { engineTable } from './engine/report.js';
import { runRestoreBench } from './engine/restore-bench.js';
import { measureScenario, type Measurement, type Repetitions } from './engine/scenarios.js';
import { checkTargets, targetsTable, type RunResults } from './engine/targets.js';
import { median, timeOk } from './engine/timing.js';
import { dagmake, make, ninja, snakemake, type Tool } from './engine/tools.js';

const GROUPS = ['copy', 'chain', 'sleep', 'dir', 'restore'] as const;
type Group = (typeof GROUPS)[number];

const usage = `Usage: node dist/bench/run-all.js [options]
  --quick          fewer sizes and repetitions (about 2 minutes)
  --only LIST      comma-separated subset of: ${GROUPS.join(', ')}
  --no-snakemake   skip snakemake even when it is installed
  --json FILE      also write every measurement as JSON
  --keep           keep the generated projects (their directory is printed)`;

const { values } = parseOrExit(() =>
  parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'no-snakemake': { type: 'boolean', default: false },
      json: { type: 'string' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }),
  usage,
);
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const only = values.only?.split(',').map((g) => g.trim()) ?? [...GROUPS];
for (const g of only) {
  if (!(GROUPS as readonly string[]).includes(g)) {
    console.error(`unknown group "${g}"\n${usage}`);
    process.exit(2);
  }
}
const wanted = (g: Group) => only.includes(g);
const quick = values.quick;

const available = (command: string, args: string[]) => spawnSync(command, args, { stdio: 'ignore' }).status === 0;
const peers: Tool[] = [make, ninja].filter((t) => available(t.name, ['--version']));
const withSnakemake = !values['no-snakemake'] && !quick && available('snakemake', ['--version']);
const log = (line: string) => console.error(line);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'dagmake-bench-'));
const dirFor = (name: string) => path.join(tmp, name);
const results: { -readonly [K in keyof RunResults]: RunResults[K] } = { floorSeconds: Number.NaN, engine: [] };
const engine: Measurement[] = [];
const started = performance.now();

function floor(): number {
  const samples = Array.from({ length: quick ? 5 : 11 }, () => timeOk({ command: process.execPath, args: ['-e', '0'], cwd: tmp }).seconds);
  return median(samples);
}

function reps(first: number, noop: number, change: number): Repetitions {
  return quick ? { first: Math.max(1, Math.floor(first / 3)), noop: Math.min(noop, 3), change: Math.max(1, Math.floor(change / 2)) } : { first, noop, change };
}

/** Snakemake takes seconds per thousand jobs: it is measured where that stays affordable. */
const toolsFor = (stages: number): Tool[] => [dagmake, ...peers, ...(withSnakemake && stages <= 1000 ? [snakemake] : [])];

try {
  log(`dagmake engine benchmarks in ${tmp} (${os.availableParallelism()} cores, node ${process.version}${quick ? ', quick' : ''})`);
  log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  log(`peers: ${[...peers.map((p) => p.name), ...(withSnakemake ? ['snakemake'] : [])].join(', ') || 'none'}`);
  results.floorSeconds = floor();
  log(`  floor: node -e 0 ${results.floorSeconds.toFixed(3)} s`);
  const snakefile = withSnakemake;
  const touch = (root: string, file: string) => (n: number) => writeFileSync(path.join(root, file), `changed ${n}\n`);

  if (wanted('copy')) {
    const sizes: [number, Repetitions][] = [
      [100, reps(5, 7, 5)],
      [1000, reps(3, 7, 5)],
      ...(quick ? [] : ([[5000, reps(1, 3, 3)]] as [number, Repetitions][])),
    ];
    for (const [n, r] of sizes) {
      const project = generateCopies(dirFor(`copy-${n}`), n, { snakefile });
      engine.push(...measureScenario({ project, tools: toolsFor(n), reps: r, change: touch(project.root, 'in/0.txt'), changedStages: 1, log }));
      rmSync(project.root, { recursive: true, force: true });
    }
  }
  if (wanted('chain')) {
    const project = generateChain(dirFor('chain-200'), 200, { snakefile });
    engine.push(...measureScenario({ project, tools: toolsFor(200), reps: reps(3, 7, 3), change: touch(project.root, 'in/0.txt'), changedStages: 200, log }));
    rmSync(project.root, { recursive: true, force: true });
  }
  if (wanted('sleep')) {
    const project = generateSleeps(dirFor('sleep-40'), 40, 0.25, { snakefile });
    const measured = measureScenario({ project, tools: toolsFor(40), reps: reps(3, 5, 3), change: touch(project.root, 'in/0.txt'), changedStages: 1, log });
    engine.push(...measured);
    const first = measured.find((m) => m.tool === 'dagmake' && m.phase === 'first');
    if (first) {
      results.sleep = {
        stages: 40,
        seconds: first.seconds,
        ideal: (40 * 0.25) / 2,
        ...(first.startupSeconds !== undefined && { startupSeconds: first.startupSeconds }),
        ...(first.scheduleSeconds !== undefined && { scheduleSeconds: first.scheduleSeconds }),
        peers: measured.filter((m) => m.tool !== 'dagmake' && m.phase === 'first').map((m) => ({ tool: m.tool, seconds: m.seconds })),
      };
    }
    rmSync(project.root, { recursive: true, force: true });
  }
  if (wanted('dir') || wanted('restore')) {
    log('  generating 10,000 files / 500 MB');
    const project: DirectoryProject = generateDirectory(dirFor('dir'), 10_000, 500e6, { snakefile });
    if (wanted('dir')) {
      const change = (n: number) => {
        const file = path.join(project.root, project.data.files[1]!);
        spawnSync('sh', ['-c', `printf '%08d' ${n} | dd of="${file}" bs=8 count=1 conv=notrunc status=none`]);
      };
      engine.push(...measureScenario({ project, tools: toolsFor(1), reps: reps(3, 7, 3), change, changedStages: 1, log }));
      results.directory = runDirectoryBench(project, { firstReps: quick ? 1 : 3, noopReps: quick ? 3 : 7, strace: available('strace', ['-V']), log });
    }
    if (wanted('restore')) results.restore = runRestoreBench(project, { reps: quick ? 1 : 3, log });
    rmSync(project.root, { recursive: true, force: true });
  }

  results.engine = engine;
  console.log(`\nMachine: ${os.availableParallelism()} cores (${os.cpus()[0]?.model ?? 'unknown cpu'}), node ${process.version}, ${os.platform()} ${os.release()}`);
  console.log(`Load average at the end (1, 5, 15 min): ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}`);
  console.log(`Floor: \`node -e 0\` ${results.floorSeconds.toFixed(3)} s (median)\n`);
  if (engine.length > 0) console.log(`${engineTable(engine)}\n`);
  const targets = checkTargets(results);
  if (targets.length > 0) console.log(`${targetsTable(targets)}\n`);
  console.log(`Total benchmark time: ${((performance.now() - started) / 1000).toFixed(0)} s`);
  if (values.json) writeFileSync(values.json, `${JSON.stringify({ ...results, targets }, null, 2)}\n`);
} finally {
  if (values.keep) log(`projects kept in ${tmp}`);
  else rmSync(tmp, { recursive: true, force: true });
}
