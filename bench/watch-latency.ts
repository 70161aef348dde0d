// Watch latency: from saving a dep to the affected stage's `stage-start` event, median of N saves.
// Usage: npm run build && node dist/bench/watch-latency.js [saves=20] [debounceMs=100] [settleMs=200]
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { DagEvent } from '../src/events.js';
import { positionalArgs } from './positional-args.js';

const args = positionalArgs('Usage: node dist/bench/watch-latency.js [saves=20] [debounceMs=100] [settleMs=200]', [
  { name: 'saves' },
  { name: 'debounceMs' },
  { name: 'settleMs' },
]);
const saves = Number(args.get('saves') ?? 20);
const debounceMs = Number(args.get('debounceMs') ?? 100);
const settleMs = Number(args.get('settleMs') ?? 200);
const cli = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/cli.js');

const root = mkdtempSync(path.join(os.tmpdir(), 'dagmake-watch-bench-'));
writeFileSync(path.join(root, 'in.txt'), 'v0\n');
writeFileSync(path.join(root, 'other.txt'), 'other\n');
writeFileSync(
  path.join(root, 'pipeline.yaml'),
  `stages:
  copy: {cmd: cp in.txt out.txt, deps: [in.txt], outs: [out.txt]}
  other: {cmd: cp other.txt other.out, deps: [other.txt], outs: [other.out]}
`,
);

const child = spawn('node', [cli, 'watch', '--json', '--debounce', String(debounceMs), '--settle', String(settleMs)], {
  cwd: root,
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, CI: 'true', NO_COLOR: '1' },
});
const waiters: ((event: DagEvent) => void)[] = [];
createInterface({ input: child.stdout }).on('line', (line) => {
  if (!line.startsWith('{')) return;
  const event = JSON.parse(line) as DagEvent;
  for (const waiter of waiters.splice(0)) waiter(event);
});

function next(match: (event: DagEvent) => boolean): Promise<DagEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out waiting for the watcher')), 30_000);
    const listen = (event: DagEvent): void => {
      if (match(event)) {
        clearTimeout(timer);
        resolve(event);
      } else waiters.push(listen);
    };
    waiters.push(listen);
  });
}
const idle = (): Promise<DagEvent> => next((e) => e.type === 'watch-cycle' && e.phase === 'idle');

try {
  await idle();
  const latencies: number[] = [];
  for (let i = 1; i <= saves; i++) {
    const started = next((e) => e.type === 'stage-start' && e.stage === 'copy');
    const savedAt = Date.now();
    writeFileSync(path.join(root, 'in.txt'), `v${i}\n`);
    const event = await started;
    latencies.push(event.time - savedAt);
    await idle();
  }
  latencies.sort((a, b) => a - b);
  const median = latencies[Math.floor(latencies.length / 2)]!;
  console.log(`watch latency, save → stage-start, ${saves} saves, --debounce ${debounceMs} --settle ${settleMs}:`);
  console.log(`  median ${median} ms · min ${latencies[0]} ms · max ${latencies[latencies.length - 1]} ms`);
} finally {
  child.kill('SIGINT');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(root, { recursive: true, force: true });
}
