import { existsSync } from 'node:fs';
import { buildLinkedGraph } from '../../engine/prepare-run.js';
import type { Diagnostic } from '../../errors.js';
import { selectStages, type Selection } from '../../graph/select-stages.js';
import { loadPipeline } from '../../pipeline/load-pipeline.js';
import { startWatch, type WatchHandle } from '../../watch/watch-session.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { checkRunOptions, openReporter, runOptionSpecs, selectionOf, type RunOptionFlags } from '../run-options.js';
import type { GlobalOptions } from '../global-options.js';
import { parseCommandArgs, reportParseFailure } from '../parse-command-args.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { listenForStopSignals } from '../stop-signals.js';
import { wholeNumber } from '../whole-number.js';

const usage = `Usage: dagmake watch [TARGET...] [options]

Runs the stale stages (all, or TARGETs and what they need), then keeps them up to date: whenever
an input of a selected stage changes — a dep, a selected param, a stage module or one of its local
imports, the pipeline file or its vars files — the stages it affects run again. A stage whose
inputs change while it runs is restarted; one that depends on a stage that must run again, or that
an edit of the pipeline file redefines, is stopped and runs in the next cycle. Ctrl-C stops.

Options:
  -j, --jobs N        stages at once (default: number of cores)
  -k, --keep-going    after a failure, run everything that does not depend on it
      --debounce MS   wait for this many quiet milliseconds before acting on changes (default: 100)
      --settle MS     read a changed file once its size and time stayed the same this long, so
                      a file written in pieces or copied slowly is read complete (default: 200)
      --downstream    also run the stages that depend on the targets
  -s, --single        only the targets, not the stages they need
      --json          NDJSON events on stdout (same as --reporter json)
      --reporter R    ink | plain | json (default: ink on a terminal, plain otherwise)
      --no-color      plain text output (also NO_COLOR=1)
      --no-run-cache  never restore stale stages from the run cache`;

interface WatchFlags extends RunOptionFlags {
  debounce?: string;
  settle?: string;
}

export const watchCommand: Command = {
  name: 'watch',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs<WatchFlags>(
      args,
      { ...runOptionSpecs, debounce: { type: 'string' }, settle: { type: 'string' } },
      usage,
    );
    if (!parsed.ok) return reportParseFailure(parsed, io, 'watch');
    const { values, positionals, global } = parsed;
    const checked = checkRunOptions(values, io);
    if (!checked) return ExitCode.usage;
    const debounceMs = milliseconds(values.debounce, 100);
    const settleMs = milliseconds(values.settle, 200);
    if (debounceMs === undefined || settleMs === undefined) {
      const flag = debounceMs === undefined ? 'debounce' : 'settle';
      io.stderr.write(`error: expected --${flag} to be a whole number of milliseconds, got "${values[flag]}"\n`);
      return ExitCode.usage;
    }
    const selection = selectionOf(values, positionals);
    const mistakes = await commandLineMistakes(global, selection);
    if (mistakes.length > 0) {
      printDiagnostics(io.stderr, mistakes);
      return ExitCode.usage;
    }

    let handle: WatchHandle | undefined;
    const reporter = await openReporter(values, checked.reporter, io, () => handle?.stop());
    handle = startWatch({
      file: global.file,
      displayPath: global.displayPath,
      selection,
      jobs: checked.jobs,
      keepGoing: values['keep-going'] ?? false,
      options: { force: false, verify: false, useRunCache: !values['no-run-cache'] },
      debounceMs,
      settleMs,
      graceMs: 5000,
      emit: (event) => reporter.onEvent(event),
    });
    const signals = listenForStopSignals(() => handle?.stop());
    try {
      try {
        await handle.done;
      } finally {
        await reporter.close();
      }
      // Watching only ever ends by the user stopping it.
      return signals.interruptedExitCode();
    } finally {
      signals.dispose();
    }
  },
};

/** A whole number of milliseconds, `fallback` when not given; undefined when it is not one. */
function milliseconds(text: string | undefined, fallback: number): number | undefined {
  return text === undefined ? fallback : wholeNumber(text, 0);
}

/**
 * Watching waits for an invalid pipeline to be fixed, but not for a pipeline file that is not there
 * or a target the pipeline does not have: those are mistakes on the command line, and it would wait
 * for an edit nobody is making.
 */
async function commandLineMistakes(global: GlobalOptions, selection: Selection): Promise<Diagnostic[]> {
  const missing = !existsSync(global.file);
  if (!missing && selection.targets.length === 0) return [];
  const pipeline = await loadPipeline(global.file, { displayPath: global.displayPath });
  if (!pipeline.ok) return missing ? pipeline.error : [];
  const graph = await buildLinkedGraph(pipeline.value);
  if (!graph.ok) return [];
  const stages = selectStages(graph.value, selection);
  return stages.ok ? [] : stages.error;
}
