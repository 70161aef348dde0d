// Hashing throughput: first hash of a large fresh directory (GB/s) and the no-op re-check (s).
// Usage: node dist/bench/hash-bench.js [files=10000] [megabytes=500]
import { randomFillSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Hasher } from '../src/hash/hasher.js';
import { positionalArgs } from './positional-args.js';

export interface HashBenchResult {
  readonly files: number;
  readonly bytes: number;
  readonly firstHashSeconds: number;
  readonly firstHashGBps: number;
  readonly noopSeconds: number;
}

function generate(root: string, files: number, bytes: number): void {
  const chunk = Buffer.allocUnsafe(Math.ceil((2 * bytes) / files));
  randomFillSync(chunk);
  const perDir = 100;
  for (let i = 0; i < files; i++) {
    const dir = path.join(root, 'data', `d${Math.floor(i / perDir)}`);
    if (i % perDir === 0) mkdirSync(dir, { recursive: true });
    // Sizes spread from 0 to twice the mean; distinct first bytes keep contents distinct.
    const size = Math.floor(((i * 7919) % files) / files * chunk.length);
    chunk.writeUInt32LE(i, 0);
    writeFileSync(path.join(dir, `f${i}.bin`), chunk.subarray(0, Math.max(size, 4)));
  }
}

export async function runHashBench(files = 10_000, megabytes = 500): Promise<HashBenchResult> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'dagmake-hash-bench-'));
  try {
    generate(root, files, megabytes * 1e6);
    let t = performance.now();
    const first = await Hasher.open(root);
    const hashed = await first.hashPath('data');
    await first.close();
    const firstHashSeconds = (performance.now() - t) / 1000;
    if (hashed.kind !== 'dir') throw new Error(`unexpected result ${hashed.kind}`);
    // Entries recorded within the racy window are re-read once; let them age past it.
    await new Promise((r) => setTimeout(r, 50));
    const settle = await Hasher.open(root);
    await settle.hashPath('data');
    await settle.close();
    t = performance.now();
    const noop = await Hasher.open(root);
    await noop.hashPath('data');
    await noop.close();
    const noopSeconds = (performance.now() - t) / 1000;
    const bytes = hashed.digest.size;
    return { files: hashed.digest.nfiles, bytes, firstHashSeconds, firstHashGBps: bytes / 1e9 / firstHashSeconds, noopSeconds };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = positionalArgs('Usage: node dist/bench/hash-bench.js [files=10000] [megabytes=500]', [{ name: 'files' }, { name: 'megabytes' }]);
  const number = (name: string) => (args.has(name) ? Number(args.get(name)) : undefined);
  const r = await runHashBench(number('files'), number('megabytes'));
  console.log(`hash: ${r.files} files, ${(r.bytes / 1e6).toFixed(0)} MB`);
  console.log(`  first hash: ${r.firstHashSeconds.toFixed(2)} s (${r.firstHashGBps.toFixed(2)} GB/s)`);
  console.log(`  no-op:      ${r.noopSeconds.toFixed(3)} s`);
}
