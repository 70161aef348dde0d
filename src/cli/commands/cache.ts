import { ObjectStore } from '../../cache/object-store.js';
import { verify } from '../../cache/verify.js';
import { plural } from '../../reporters/plural.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { parseCommandArgs, reportParseFailure } from '../parse-command-args.js';

const usage = `Usage: dagmake cache verify

Re-hashes every cached object; corrupt objects (and the run-cache entries that use them) are evicted.
Exits 1 when something was corrupt.`;

export const cacheCommand: Command = {
  name: 'cache',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs<object>(args, {}, usage);
    if (!parsed.ok) return reportParseFailure(parsed, io, 'cache');
    if (parsed.positionals[0] !== 'verify' || parsed.positionals.length !== 1) {
      io.stderr.write(`error: unknown cache subcommand "${parsed.positionals.join(' ')}"\n  hint: dagmake cache verify\n`);
      return ExitCode.usage;
    }
    const store = await ObjectStore.openForProject(parsed.global.root);
    const report = await verify(store);
    for (const hash of report.corrupt) io.stdout.write(`corrupt: ${hash} (evicted)\n`);
    io.stdout.write(`checked ${plural(report.checked, 'object')}, ${report.corrupt.length} corrupt\n`);
    return report.corrupt.length > 0 ? ExitCode.failed : ExitCode.ok;
  },
};
