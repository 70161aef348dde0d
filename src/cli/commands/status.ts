import path from 'node:path';
import { computeStatus } from '../../engine/compute-status.js';
import { readLastFailures } from '../../engine/last-failures.js';
import { lastFailureNote } from '../last-failure-note.js';
import { describeReasons } from '../../reporters/describe-reason.js';
import { plural } from '../../reporters/plural.js';
import { liveLockHolder } from '../../project-mutex.js';
import { describeRunInProgress } from '../../run-in-progress.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { parseCommandArgs, reportParseFailure } from '../parse-command-args.js';
import { printDiagnostics } from '../print-diagnostics.js';

const usage = `Usage: dagmake status [TARGET...] [--json] [--exit-code]

Shows which stages are stale and why, without running anything. Frozen stages are not checked
and are listed apart. While another dagmake run works in the project, status says so first (on
stderr with --json): what it lists may change until that run finishes. Stages the lock still
has entries for but the pipeline no longer has are named on one line (on stderr with --json):
the next run drops those entries.

Options:
  --json        one JSON array: [{stage, state: "up-to-date"|"stale", reasons: [...], frozen?: true}]
  --exit-code   exit 1 when any stage is stale or the lock has entries the next run drops
                (for CI: the committed lock matches the code)`;

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
    const running = await liveLockHolder(status.value.graph.pipeline.root);
    if (running) (parsed.values.json ? io.stderr : io.stdout).write(`${describeRunInProgress(running)}\n`);
    const { removed, lockFile } = status.value.lock;
    const lastFailures = await readLastFailures(status.value.graph.pipeline.root);
    const removedLine =
      removed.length === 0
        ? ''
        : `${path.join(path.dirname(parsed.global.displayPath), lockFile)} has entries for ${plural(removed.length, 'stage')} no longer in ` +
          `${parsed.global.displayPath}: ${removed.join(', ')}; the next run drops ${removed.length === 1 ? 'it' : 'them'}\n`;
    if (parsed.values.json) {
      io.stderr.write(removedLine);
      const rows = reports.map((r) => ({
        stage: r.stage,
        state: r.state === 'frozen' ? 'up-to-date' : r.state,
        reasons: r.reasons,
        ...(r.state === 'frozen' ? { frozen: true } : {}),
        ...(r.state === 'stale' && lastFailures.has(r.stage) ? { lastFailure: lastFailures.get(r.stage) } : {}),
      }));
      io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    } else {
      const stale = reports.filter((r) => r.state === 'stale');
      const frozen = reports.filter((r) => r.state === 'frozen').map((r) => r.stage);
      const checked = reports.length - frozen.length;
      for (const report of stale) {
        io.stdout.write(`${report.stage}: ${describeReasons(report.reasons, 3)}${lastFailureNote(report.stage, lastFailures.get(report.stage))}\n`);
      }
      if (frozen.length > 0) io.stdout.write(`frozen (not checked): ${frozen.join(', ')}\n`);
      io.stdout.write(removedLine);
      io.stdout.write(
        stale.length === 0
          ? `${frozen.length > 0 ? 'everything else' : 'everything'} is up to date (${plural(checked, 'stage')})\n`
          : `${stale.length} of ${plural(checked, frozen.length > 0 ? 'checked stage' : 'stage')} stale; "dagmake run" brings ${stale.length === 1 ? 'it' : 'them'} up to date\n`,
      );
    }
    const anyStale = reports.some((r) => r.state === 'stale') || removed.length > 0;
    return parsed.values['exit-code'] && anyStale ? ExitCode.failed : ExitCode.ok;
  },
};
