import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';

/** Engine state that is not meant for git: logs, stat cache, journal, run mutex. */
export const stateDir = (root: string): string => path.join(root, '.dagmake');
export const logsDir = (root: string): string => path.join(stateDir(root), 'logs');
export const logFile = (root: string, stage: string): string => path.join(logsDir(root), `${stage}.log`);
/** Where partial outputs of a failed or cancelled stage are moved for inspection. */
export const failedOutputsDir = (root: string, stage: string): string => path.join(stateDir(root), 'failed', stage);

/** The full output of a stage's last run, one file per stage. */
export async function openStageLog(root: string, stage: string): Promise<{ file: string; stream: WriteStream }> {
  await mkdir(logsDir(root), { recursive: true });
  const file = logFile(root, stage);
  return { file, stream: createWriteStream(file) };
}

export function closeStream(stream: WriteStream): Promise<void> {
  return new Promise((resolve) => stream.end(resolve));
}
