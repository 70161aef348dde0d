import { readFile } from 'node:fs/promises';
import { logFile } from '../../engine/stage-logs.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { parseCommandArgs, reportParseFailure } from '../parse-command-args.js';

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
    } catch {
      io.stderr.write(`error: no log for stage "${stage}"\n  hint: it has not run in this project yet (restored and up-to-date stages keep their earlier log)\n`);
      return ExitCode.usage;
    }
  },
};
