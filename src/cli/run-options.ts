// Options shared by `run` and `watch`: what to select, how many jobs, and how to report.
import os from 'node:os';
import type { Reporter } from '../events.js';
import { createReporter, type ReporterKind } from '../reporters/pick-reporter.js';
import type { CommandIo } from './command.js';
import { wholeNumber } from './whole-number.js';

export const runOptionSpecs = {
  jobs: { type: 'string', short: 'j' },
  'keep-going': { type: 'boolean', short: 'k' },
  downstream: { type: 'boolean' },
  single: { type: 'boolean', short: 's' },
  json: { type: 'boolean' },
  reporter: { type: 'string' },
  'no-color': { type: 'boolean' },
  'no-run-cache': { type: 'boolean' },
} as const;

export interface RunOptionFlags {
  jobs?: string;
  'keep-going'?: boolean;
  downstream?: boolean;
  single?: boolean;
  json?: boolean;
  reporter?: string;
  'no-color'?: boolean;
  'no-run-cache'?: boolean;
}

/** Validated `--jobs` and `--reporter`; writes the error and returns undefined when one is wrong. */
export function checkRunOptions(values: RunOptionFlags, io: CommandIo): { jobs: number; reporter?: ReporterKind } | undefined {
  const jobs = values.jobs === undefined ? os.availableParallelism() : wholeNumber(values.jobs, 1);
  if (jobs === undefined) {
    io.stderr.write(`error: expected --jobs to be a positive integer, got "${values.jobs}"\n`);
    return undefined;
  }
  const reporter = values.reporter;
  if (reporter !== undefined && reporter !== 'ink' && reporter !== 'plain' && reporter !== 'json') {
    io.stderr.write(`error: unknown reporter "${reporter}"\n  hint: use ink, plain or json\n`);
    return undefined;
  }
  return { jobs, reporter };
}

export function selectionOf(values: RunOptionFlags, targets: readonly string[]) {
  return { targets, downstream: values.downstream ?? false, single: values.single ?? false };
}

export function openReporter(
  values: RunOptionFlags,
  kind: ReporterKind | undefined,
  io: CommandIo,
  onCancel: () => void,
): Promise<Reporter> {
  return createReporter({
    kind,
    json: values.json,
    stream: io.stdout,
    isTTY: Boolean(io.stdout.isTTY),
    env: io.env,
    color: !values['no-color'] && Boolean(io.stdout.isTTY),
    onCancel,
  });
}
