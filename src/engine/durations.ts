import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../lock/atomic-write.js';
import { stateDir } from './stage-logs.js';

// Kept out of dagmake.lock so the lock stays byte-identical between identical runs.
const file = (root: string) => path.join(stateDir(root), 'durations.json');

export async function readDurations(root: string): Promise<Map<string, number>> {
  try {
    return new Map(Object.entries(JSON.parse(await readFile(file(root), 'utf8')) as Record<string, number>));
  } catch {
    return new Map();
  }
}

export async function writeDurations(root: string, durations: ReadonlyMap<string, number>): Promise<void> {
  await writeFileAtomic(file(root), `${JSON.stringify(Object.fromEntries([...durations].sort()), null, 1)}\n`);
}
