import type { MissingOut } from '../../cache/references.js';
import { verify } from '../../cache/verify.js';
import { openStore } from '../../engine/open-store.js';
import { expectedInCache, readProjectOuts } from '../../engine/project-outs.js';
import { plural } from '../../reporters/plural.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { outsideProject } from '../outside-project.js';
import { parseCommandArgs, reportParseFailure } from '../parse-command-args.js';
import { printDiagnostics } from '../print-diagnostics.js';

const usage = `Usage: dagmake cache verify

Re-hashes every cached object; corrupt objects (and the run-cache entries that use them) are evicted.
Then checks that every out the project's locks record is in the cache (outs declared
"cache: false" are not expected there) and lists those that are not, with their stage.
Exits 1 when something was corrupt or missing, 2 when a lock cannot be read.`;

/** Missing outs listed one a line; the rest are counted. */
const MISSING_SHOWN = 20;

export const cacheCommand: Command = {
  name: 'cache',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs<object>(args, {}, usage);
    if (!parsed.ok) return reportParseFailure(parsed, io, 'cache');
    if (parsed.positionals[0] !== 'verify' || parsed.positionals.length !== 1) {
      const what = parsed.positionals.length === 0 ? 'missing cache subcommand' : `unknown cache subcommand "${parsed.positionals.join(' ')}"`;
      io.stderr.write(`error: ${what}\n  hint: dagmake cache verify\n`);
      return ExitCode.usage;
    }
    const notProject = await outsideProject(parsed.global);
    if (notProject) {
      printDiagnostics(io.stderr, [notProject]);
      return ExitCode.usage;
    }
    const root = parsed.global.root;
    // An unreadable lock stops only the check of what the locks record: the objects are still verified.
    const outs = await readProjectOuts(root);
    if (!outs.ok) printDiagnostics(io.stderr, outs.error);
    const store = await openStore(root);
    if (!store.ok) {
      printDiagnostics(io.stderr, store.error);
      return ExitCode.usage;
    }
    const report = await verify(store.value, outs.ok ? { lockedOuts: outs.value.recorded } : {});
    const missing = await expectedInCache(root, report.missing);
    // An out declared `cache: false` was never meant to be there: it is neither missing nor checked.
    const expected = report.checkedOuts - (report.missing.length - missing.length);
    for (const hash of report.corrupt) io.stdout.write(`corrupt: ${hash} (evicted)\n`);
    for (const out of missing.slice(0, MISSING_SHOWN)) io.stdout.write(`missing: ${describeMissing(out)}\n`);
    if (missing.length > MISSING_SHOWN) io.stdout.write(`missing: … and ${missing.length - MISSING_SHOWN} more\n`);
    const checked = `checked ${plural(report.checked, 'object')}, ${report.corrupt.length} corrupt`;
    io.stdout.write(`${checked}; ${describeLockCheck(expected, missing.length, outs.ok)}\n`);
    if (missing.length > 0) {
      io.stdout.write(
        `  hint: "dagmake run" stores them again from the workspace where they are up to date; a stage whose out is gone from both reruns\n`,
      );
    }
    if (!outs.ok) return ExitCode.usage;
    return report.corrupt.length > 0 || missing.length > 0 ? ExitCode.failed : ExitCode.ok;
  },
};

function describeMissing(out: MissingOut): string {
  const files = out.missingFiles === undefined ? '' : `${plural(out.missingFiles, 'file')} of `;
  return `${files}${out.path} (stage ${out.stage})`;
}

function describeLockCheck(lockedOuts: number, missing: number, locksRead: boolean): string {
  if (!locksRead) return 'the outs the locks record were not checked (see the error above)';
  if (missing > 0) return `${missing} of ${plural(lockedOuts, 'out')} the locks record ${missing === 1 ? 'is' : 'are'} missing from the cache`;
  if (lockedOuts === 0) return 'no lock records an out the cache should hold';
  return lockedOuts === 1 ? 'the 1 out the locks record is in the cache' : `all ${lockedOuts} outs the locks record are in the cache`;
}
