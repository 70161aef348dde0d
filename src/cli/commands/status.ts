import { computeStatus } from '../../engine/compute-status.js';
import { describeReasons } from '../../reporters/describe-reason.js';
import { plural } from '../../reporters/plural.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { parseCommandArgs, reportParseFailure } from '../parse-command-args.js';
import { printDiagnostics } from '../print-diagnostics.js';

const usage = `Usage: dagmake status [TARGET...] [--json] [--exit-code]

Shows which stages are stale and why, without running anything.

Options:
  --json        one JSON array: [{stage, state: "up-to-date"|"stale", reasons: [...]}]
  --exit-code   exit 1 when any stage is stale (for CI: the committed lock matches the code)`;

export const statusCommand: Command = {
  name: 'status',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs<{ json?: boolean; 'exit-code'?: boolean }>(
      args,
      { json: { type: 'boolean' }, 'exit-code': { type: 'boolean' } },
      usage,
    );
    if (!parsed.ok) return reportParseFailure(parsed, io, 'status');
    const selection = { targets: parsed.positionals, downstream: false, single: false };
    const status = await computeStatus(parsed.global.file, parsed.global.displayPath, selection);
    if (!status.ok) {
      printDiagnostics(io.stderr, status.error);
      return ExitCode.usage;
    }
    const reports = status.value.reports;
    if (parsed.values.json) {
      const rows = reports.map((r) => ({
        stage: r.stage,
        state: r.state === 'frozen' ? 'up-to-date' : r.state,
        reasons: r.reasons,
        ...(r.state === 'frozen' ? { frozen: true } : {}),
      }));
      io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    } else {
      const stale = reports.filter((r) => r.state === 'stale');
      for (const report of stale) io.stdout.write(`${report.stage}: ${describeReasons(report.reasons, 3)}\n`);
      for (const report of reports.filter((r) => r.state === 'frozen')) io.stdout.write(`${report.stage}: frozen\n`);
      io.stdout.write(
        stale.length === 0
          ? `everything is up to date (${plural(reports.length, 'stage')})\n`
          : `${stale.length} of ${plural(reports.length, 'stage')} stale; "dagmake run" brings ${stale.length === 1 ? 'it' : 'them'} up to date\n`,
      );
    }
    const anyStale = reports.some((r) => r.state === 'stale');
    return parsed.values['exit-code'] && anyStale ? ExitCode.failed : ExitCode.ok;
  },
};
