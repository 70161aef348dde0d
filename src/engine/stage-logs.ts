import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';

/** Engine state that is not meant for git: logs, stat cache, journal, run mutex. */
export const stateDir = (root: string): string => path.join(root, '.dagmake');
export const logsDir = (root: string): string => path.join(stateDir(root), 'logs');
export const logFile = (root: string, stage: string): string => path.join(logsDir(root), `${stage}.log`);
/** Where a stage keeps the facts of its last run that are not outputs (see StageContext.runInfoDir). */
export const runInfoDir = (root: string, stage: string): string => path.join(stateDir(root), 'run-info', stage);
/** Where a stage keeps what lets it continue after a failed attempt (see StageContext.resumeDir). */
export const resumeDir = (root: string, stage: string): string => path.join(stateDir(root), 'resume', stage);
/** Where partial outputs of a failed or cancelled stage are moved for inspection. */
export const failedOutputsDir = (root: string, stage: string): string => path.join(stateDir(root), 'failed', stage);
/** Where outputs holding content the stage never produced are moved before it replaces them. */
export const replacedOutputsDir = (root: string, stage: string): string => path.join(stateDir(root), 'replaced', stage);

/**
 * The full output of a stage's last run, one file per stage. The file is opened at the first
 * line, so a silent stage costs no file; closing removes the log of an earlier run instead.
 */
export class StageLog {
  readonly file: string;
  #stream: WriteStream | undefined;

  constructor(
    root: string,
    stage: string,
    private readonly hadEarlierLog: boolean,
  ) {
    this.file = logFile(root, stage);
  }

  write(line: string): void {
    if (this.#stream === undefined) {
      mkdirSync(path.dirname(this.file), { recursive: true });
      this.#stream = createWriteStream(this.file);
      // A log that cannot be written must not fail the stage; the events still carry every line.
      this.#stream.on('error', () => undefined);
    }
    this.#stream.write(`${line}\n`);
  }

  /** Resolves to whether the stage wrote a log. */
  async close(): Promise<boolean> {
    const stream = this.#stream;
    if (stream === undefined) {
      if (this.hadEarlierLog) await rm(this.file, { force: true });
      return false;
    }
    await new Promise((resolve) => stream.end(resolve));
    return true;
  }
}

/** Stages that have a log file now: one directory listing instead of a removal attempt per stage. */
export async function listStageLogs(root: string): Promise<Set<string>> {
  const names = await readdir(logsDir(root)).catch(() => [] as string[]);
  return new Set(names.filter((n) => n.endsWith('.log')).map((n) => n.slice(0, -'.log'.length)));
}
