import { readFile } from 'node:fs/promises';
import { readDurations } from '../../engine/durations.js';
import { logFile } from '../../engine/stage-logs.js';
import { expansionsOf } from '../../graph/select-stages.js';
import { loadPipeline } from '../../pipeline/load-pipeline.js';
import { quoteList, suggestionHint } from '../../text/suggest.js';
import type { Command, CommandIo } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import type { GlobalOptions } from '../global-options.js';
import { parseCommandArgs, reportParseFailure } from '../parse-command-args.js';
import { printDiagnostics } from '../print-diagnostics.js';

const usage = `Usage: dagmake logs STAGE

Prints the full output of STAGE's last run (.dagmake/logs/STAGE.log).`;

export const logsCommand: Command = {
  name: 'logs',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs<object>(args, {}, usage);
    if (!parsed.ok) return reportParseFailure(parsed, io, 'logs');
    const stage = parsed.positionals[0];
    if (stage === undefined || parsed.positionals.length > 1) {
      io.stderr.write('error: logs takes exactly one STAGE\n');
      return ExitCode.usage;
    }
    try {
      io.stdout.write(await readFile(logFile(parsed.global.root, stage), 'utf8'));
      return ExitCode.ok;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      return explainMissingLog(parsed.global, stage, io);
    }
  },
};

/** A stage has no log file when it is not in the pipeline, never ran here, or printed nothing. */
async function explainMissingLog(global: GlobalOptions, stage: string, io: CommandIo): Promise<number> {
  const pipeline = await loadPipeline(global.file, { displayPath: global.displayPath });
  if (!pipeline.ok) {
    printDiagnostics(io.stderr, pipeline.error);
    return ExitCode.usage;
  }
  const names = pipeline.value.stages.map((s) => s.name);
  if (!names.includes(stage)) {
    // Each expansion of a foreach or matrix stage has a log of its own: name them, not the nearest one.
    const expansions = expansionsOf(stage, names);
    const hint = expansions.length > 0 ? `"${stage}" is expanded by foreach or matrix; each expansion has its own log: ${quoteList(expansions)}` : suggestionHint(stage, names, 'stages');
    io.stderr.write(`error: stage "${stage}" does not exist in ${global.displayPath}\n  hint: ${hint}\n`);
    return ExitCode.usage;
  }
  // Durations are recorded for every stage that ran to success, whether it printed or not.
  if ((await readDurations(global.root)).has(stage)) {
    io.stderr.write(`note: stage "${stage}" printed no output in its last run\n`);
    return ExitCode.ok;
  }
  io.stderr.write(`error: no log for stage "${stage}"\n  hint: it has not run in this project yet (restored and up-to-date stages keep their earlier log)\n`);
  return ExitCode.usage;
}
