// Which stages failed the last time they were tried, and why. Kept beside durations.json (not in
// the lock, which records only what succeeded) so that `status` can say a stage failed last time
// instead of only "never run" or its stale reason.
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from '../lock/atomic-write.js';
import { stateDir } from './stage-logs.js';

const file = (root: string) => path.join(stateDir(root), 'last-failures.json');

export async function readLastFailures(root: string): Promise<Map<string, string>> {
  try {
    const value = JSON.parse(await readFile(file(root), 'utf8')) as Record<string, unknown>;
    return new Map(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  } catch {
    return new Map();
  }
}

export async function writeLastFailures(root: string, failures: ReadonlyMap<string, string>): Promise<void> {
  if (failures.size === 0) await rm(file(root), { force: true });
  else await writeFileAtomic(file(root), `${JSON.stringify(Object.fromEntries([...failures].sort()), null, 1)}\n`);
}
