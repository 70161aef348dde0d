import type { Selection } from '../../graph/select-stages.js';
import { computeStatus } from '../../engine/compute-status.js';
import { describeReasons } from '../../reporters/describe-reason.js';
import type { CommandIo } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import type { GlobalOptions } from '../global-options.js';
import { printDiagnostics } from '../print-diagnostics.js';

/** `run --dry`: the plan, like `dvc repro --dry`: what would run and why, nothing executed. */
export async function printDryRun(global: GlobalOptions, selection: Selection, io: CommandIo): Promise<number> {
  const status = await computeStatus(global.file, global.displayPath, selection);
  if (!status.ok) {
    printDiagnostics(io.stderr, status.error);
    return ExitCode.usage;
  }
  const willRun = new Set<string>();
  for (const report of status.value.reports) {
    if (report.state === 'stale') {
      willRun.add(report.stage);
      io.stdout.write(`would run ${report.stage}: ${describeReasons(report.reasons, 5)}\n`);
    } else if (report.upstreamStale.some((up) => willRun.has(up))) {
      willRun.add(report.stage);
      io.stdout.write(`may run   ${report.stage}: if ${report.upstreamStale.join(', ')} produce different outputs\n`);
    } else {
      io.stdout.write(`up to date ${report.stage}\n`);
    }
  }
  return ExitCode.ok;
}
