// Facts a run observed that its inputs do not decide (durations, timestamps, latencies, tracking
// ids). They go to the stage's run-info directory, never into its outputs: an output holding a
// clock reading differs on every rerun, so the stages after it would always rerun too.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Writes `value` as `<dir>/<file>`; without a run-info directory (a stage called outside the engine) it writes nothing. */
export async function writeRunInfo(dir: string | undefined, file: string, value: unknown): Promise<void> {
  if (dir === undefined) return;
  const path = join(dir, file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(value, null, 2)}\n`);
}

/** A run-info subdirectory (e.g. one per HPO trial), or none when there is no run-info directory. */
export function runInfoSubdir(dir: string | undefined, name: string): string | undefined {
  return dir === undefined ? undefined : join(dir, name);
}
