import { runPipeline } from '../../engine/run-pipeline.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { checkRunOptions, openReporter, runOptionSpecs, selectionOf, type RunOptionFlags } from '../run-options.js';
import { parseCommandArgs, reportParseFailure } from '../parse-command-args.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { listenForStopSignals } from '../stop-signals.js';
import { printDryRun } from './dry-run.js';

const usage = `Usage: dagmake run [TARGET...] [options]

Runs the stale stages of the pipeline (all, or TARGETs and what they need) in dependency order.

Options:
  -j, --jobs N        stages at once (default: number of cores)
  -k, --keep-going    after a failure, run everything that does not depend on it
      --force         rerun the selected stages even when up to date
      --dry           print what would run, be restored from the cache or stay up to date,
                      and why; run nothing
      --downstream    also run the stages that depend on the targets
  -s, --single        only the targets, not the stages they need
      --json          NDJSON events on stdout (same as --reporter json)
      --reporter R    ink | plain | json (default: ink on a terminal, plain otherwise)
      --no-color      plain text output (also NO_COLOR=1)
      --no-wait       fail at once (exit code 75) if another run holds the project
      --no-run-cache  never restore stale stages from the run cache
      --verify        re-hash cached objects before restoring them

With --dry, --json (or --reporter json) prints one JSON object per stage and line:
  {"type":"plan","stage":S,"action":A,"reasons":[...],"upstream":[...],"frozen":true,"failure":{...}}
A is up-to-date, restore, run, may-run, fail or skip. "upstream" lists the stages whose new
outputs decide what happens: whether a may-run stage runs at all, whether a run becomes a
restore; for skip, the upstream stages that would fail or be skipped. "failure" says why a stage
would fail. These three and "frozen" appear only when they apply.`;

interface RunFlags extends RunOptionFlags {
  force?: boolean;
  dry?: boolean;
  'no-wait'?: boolean;
  verify?: boolean;
}

export const runCommand: Command = {
  name: 'run',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs<RunFlags>(
      args,
      { ...runOptionSpecs, force: { type: 'boolean' }, dry: { type: 'boolean' }, 'no-wait': { type: 'boolean' }, verify: { type: 'boolean' } },
      usage,
    );
    if (!parsed.ok) return reportParseFailure(parsed, io, 'run');
    const { values, positionals, global } = parsed;
    const checked = checkRunOptions(values, io);
    if (!checked) return ExitCode.usage;
    const selection = selectionOf(values, positionals);
    if (values.dry) {
      // --reporter wins over --json, as for a real run.
      const json = (checked.reporter ?? (values.json ? 'json' : undefined)) === 'json';
      const options = {
        force: values.force ?? false,
        useRunCache: !values['no-run-cache'],
        verify: values.verify ?? false,
        keepGoing: values['keep-going'] ?? false,
        json,
      };
      return printDryRun(global, selection, options, io);
    }

    let handle: ReturnType<typeof runPipeline> | undefined;
    const reporter = await openReporter(values, checked.reporter, io, () => handle?.cancel());
    handle = runPipeline({
      file: global.file,
      displayPath: global.displayPath,
      selection,
      jobs: checked.jobs,
      keepGoing: values['keep-going'] ?? false,
      options: { force: values.force ?? false, verify: values.verify ?? false, useRunCache: !values['no-run-cache'] },
      wait: !values['no-wait'],
      graceMs: 5000,
      emit: (event) => reporter.onEvent(event),
      onWaiting: (pid) => io.stderr.write(`waiting for another dagmake run in this project (pid ${pid}) to finish...\n`),
      onWaitingForCache: (message) => io.stderr.write(`${message}\n`),
    });
    const signals = listenForStopSignals(() => handle?.cancel());
    try {
      let outcome: Awaited<typeof handle.outcome>;
      try {
        outcome = await handle.outcome;
      } finally {
        // Also after an internal error: what was reported so far is written out.
        await reporter.close();
      }
      if (outcome.kind === 'invalid' || outcome.kind === 'busy') {
        printDiagnostics(io.stderr, outcome.diagnostics);
        return outcome.kind === 'busy' ? ExitCode.busy : ExitCode.usage;
      }
      if (outcome.kind === 'cancelled-waiting') {
        io.stderr.write('stopped before starting: nothing was run\n');
        return signals.interruptedExitCode();
      }
      if (outcome.cancelled) return signals.interruptedExitCode();
      return outcome.failed > 0 ? ExitCode.failed : ExitCode.ok;
    } finally {
      signals.dispose();
    }
  },
};
