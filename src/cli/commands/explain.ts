import { computeStatus } from '../../engine/compute-status.js';
import type { StaleReason } from '../../events.js';
import { describeReason } from '../../reporters/describe-reason.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { parseCommandArgs, reportParseFailure } from '../parse-command-args.js';
import { printDiagnostics } from '../print-diagnostics.js';

const usage = `Usage: dagmake explain STAGE

Every reason STAGE is stale: params with old → new values, deps and outs with old → new hashes,
and what changed in its definition (command, with, env, imported code, outs) when an earlier run
of this project recorded it.`;

const short = (hash: string | undefined) => (hash === undefined ? 'none' : hash.slice(0, 12));

function detail(reason: StaleReason): string {
  switch (reason.kind) {
    case 'dep-changed':
      return `${describeReason(reason)}\n    ${short(reason.old)} → ${short(reason.new)}${
        reason.files?.length ? `\n    files: ${reason.files.join(', ')}` : ''
      }`;
    case 'out-changed':
      return `${describeReason(reason)}\n    ${short(reason.old)} → ${short(reason.new)}`;
    case 'definition-changed':
      return `definition changed${(reason.changes ?? []).map((change) => `\n    ${change}`).join('')}\n    ${short(reason.old)} → ${short(reason.new)}`;
    default:
      return describeReason(reason);
  }
}

export const explainCommand: Command = {
  name: 'explain',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs<object>(args, {}, usage);
    if (!parsed.ok) return reportParseFailure(parsed, io, 'explain');
    if (parsed.positionals.length !== 1) {
      io.stderr.write('error: explain takes exactly one STAGE\n  hint: dagmake explain train\n');
      return ExitCode.usage;
    }
    const stage = parsed.positionals[0]!;
    const status = await computeStatus(parsed.global.file, parsed.global.displayPath, {
      targets: [stage],
      downstream: false,
      single: true,
    });
    if (!status.ok) {
      printDiagnostics(io.stderr, status.error);
      return ExitCode.usage;
    }
    for (const report of status.value.reports) {
      if (report.state === 'frozen') io.stdout.write(`${report.stage} is frozen: it never reruns\n`);
      else if (report.state === 'up-to-date') io.stdout.write(`${report.stage} is up to date\n`);
      else {
        io.stdout.write(`${report.stage} is stale:\n`);
        for (const reason of report.reasons) io.stdout.write(`  - ${detail(reason)}\n`);
      }
      if (report.upstreamStale.length > 0) {
        io.stdout.write(`  upstream stale: ${report.upstreamStale.join(', ')} (its deps may change when they run)\n`);
      }
    }
    return ExitCode.ok;
  },
};
