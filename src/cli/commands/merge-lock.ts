import { readFile, writeFile } from 'node:fs/promises';
import { fail, type Diagnostic, type Result } from '../../errors.js';
import { lockText } from '../../lock/lock-file.js';
import { mergeLocks } from '../../lock/merge-locks.js';
import type { LockFile } from '../../lock/types.js';
import { plural } from '../../reporters/plural.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { parseCommandArgs, reportParseFailure } from '../parse-command-args.js';
import { printDiagnostics } from '../print-diagnostics.js';

const usage = `Usage: dagmake merge-lock BASE OURS THEIRS [PATH]

Merges two versions of a lock stage by stage and writes the result to OURS: git's merge driver
contract (%O %A %B %P). A stage only one side changed takes that side's entry; a stage both sides
changed differently is left out, so the next run runs it again or restores it from the run cache.
Exits 0 when merged, 1 when a version could not be read (git then reports a conflict).

Set it up once per clone:
  printf 'dagmake.lock merge=dagmake\\n*.dagmake.lock merge=dagmake\\n' >> .gitattributes
  git config merge.dagmake.driver 'npx dagmake merge-lock %O %A %B %P'`;

export const mergeLockCommand: Command = {
  name: 'merge-lock',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs<object>(args, {}, usage);
    if (!parsed.ok) return reportParseFailure(parsed, io, 'merge-lock');
    const [basePath, oursPath, theirsPath, shownPath, ...extra] = parsed.positionals;
    if (theirsPath === undefined || extra.length > 0) {
      io.stderr.write('error: merge-lock takes BASE OURS THEIRS and optionally PATH\n  hint: see "dagmake merge-lock --help"\n');
      return ExitCode.usage;
    }
    const label = shownPath ?? oursPath!;
    const versions = await Promise.all([
      readVersion(basePath!, `${label} (common ancestor)`),
      readVersion(oursPath!, `${label} (ours)`),
      readVersion(theirsPath, `${label} (theirs)`),
    ]);
    const problems = versions.flatMap((version) => (version.ok ? [] : version.error));
    if (problems.length > 0) {
      printDiagnostics(io.stderr, problems);
      io.stderr.write(`${label}: not merged; resolve it by hand (git checkout --ours or --theirs ${label}, then "dagmake run")\n`);
      return ExitCode.failed;
    }
    const [base, ours, theirs] = versions.map((version) => (version as { ok: true; value: LockFile }).value) as [LockFile, LockFile, LockFile];
    const { lock, dropped } = mergeLocks(base, ours, theirs);
    await writeFile(oursPath!, await lockText(lock));
    if (dropped.length > 0) {
      io.stderr.write(
        `${label}: ${plural(dropped.length, 'stage')} changed on both sides, left out of the merged lock: ${dropped.join(', ')}; ` +
          `the next run runs ${dropped.length === 1 ? 'it' : 'them'} again or restores ${dropped.length === 1 ? 'it' : 'them'} from the run cache\n`,
      );
    }
    return ExitCode.ok;
  },
};

/** One side of the merge; git passes an empty file for a side that has no lock. */
async function readVersion(file: string, label: string): Promise<Result<LockFile, Diagnostic[]>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return fail([{ message: `cannot read ${label}: ${(error as Error).message}` }]);
  }
  const { parseLock } = await import('../../lock/lock-yaml.js');
  return parseLock(text, label);
}
