import os from 'node:os';
import { createReporter, type ReporterKind } from '../../reporters/pick-reporter.js';
import { startWatch, type WatchHandle } from '../../watch/watch-session.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { parseCommandArgs, reportParseFailure } from '../parse-command-args.js';

const usage = `Usage: dagmake watch [TARGET...] [options]

Runs the stale stages (all, or TARGETs and what they need), then keeps them up to date: whenever
an input of a selected stage changes — a dep, a selected param, a stage module or one of its local
imports, the pipeline file or its vars files — the stages it affects run again. A stage whose
inputs change while it runs is restarted. Ctrl-C stops.

Options:
  -j, --jobs N        stages at once (default: number of cores)
  -k, --keep-going    after a failure, run everything that does not depend on it
      --debounce MS   wait for this many quiet milliseconds before acting on changes (default: 100)
      --downstream    also run the stages that depend on the targets
  -s, --single        only the targets, not the stages they need
      --json          NDJSON events on stdout (same as --reporter json)
      --reporter R    ink | plain | json (default: ink on a terminal, plain otherwise)
      --no-color      plain text output (also NO_COLOR=1)
      --no-run-cache  never restore stale stages from the run cache`;

interface WatchFlags {
  jobs?: string;
  'keep-going'?: boolean;
  debounce?: string;
  downstream?: boolean;
  single?: boolean;
  json?: boolean;
  reporter?: string;
  'no-color'?: boolean;
  'no-run-cache'?: boolean;
}

export const watchCommand: Command = {
  name: 'watch',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs<WatchFlags>(
      args,
      {
        jobs: { type: 'string', short: 'j' },
        'keep-going': { type: 'boolean', short: 'k' },
        debounce: { type: 'string' },
        downstream: { type: 'boolean' },
        single: { type: 'boolean', short: 's' },
        json: { type: 'boolean' },
        reporter: { type: 'string' },
        'no-color': { type: 'boolean' },
        'no-run-cache': { type: 'boolean' },
      },
      usage,
    );
    if (!parsed.ok) return reportParseFailure(parsed, io, 'watch');
    const { values, positionals, global } = parsed;
    const jobs = values.jobs === undefined ? os.availableParallelism() : Number(values.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) {
      io.stderr.write(`error: expected --jobs to be a positive integer, got "${values.jobs}"\n`);
      return ExitCode.usage;
    }
    const debounceMs = values.debounce === undefined ? 100 : Number(values.debounce);
    if (!Number.isInteger(debounceMs) || debounceMs < 0) {
      io.stderr.write(`error: expected --debounce to be a whole number of milliseconds, got "${values.debounce}"\n`);
      return ExitCode.usage;
    }
    const reporterKind = values.reporter;
    if (reporterKind !== undefined && !['ink', 'plain', 'json'].includes(reporterKind)) {
      io.stderr.write(`error: unknown reporter "${reporterKind}"\n  hint: use ink, plain or json\n`);
      return ExitCode.usage;
    }

    let handle: WatchHandle | undefined;
    const reporter = await createReporter({
      kind: reporterKind as ReporterKind | undefined,
      json: values.json,
      stream: io.stdout,
      isTTY: Boolean(io.stdout.isTTY),
      env: io.env,
      color: !values['no-color'] && Boolean(io.stdout.isTTY),
      onCancel: () => handle?.stop(),
    });
    handle = startWatch({
      file: global.file,
      displayPath: global.displayPath,
      selection: { targets: positionals, downstream: values.downstream ?? false, single: values.single ?? false },
      jobs,
      keepGoing: values['keep-going'] ?? false,
      options: { force: false, verify: false, useRunCache: !values['no-run-cache'] },
      debounceMs,
      graceMs: 5000,
      emit: (event) => reporter.onEvent(event),
    });
    const onSignal = () => handle?.stop();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      await handle.done;
      await reporter.close();
      // Watching only ever ends by the user stopping it.
      return ExitCode.interrupted;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
