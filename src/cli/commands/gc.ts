import { gc } from '../../cache/gc.js';
import { ObjectStore } from '../../cache/object-store.js';
import { expectedInCache, readProjectOuts } from '../../engine/project-outs.js';
import { acquireProjectMutex, isProjectBusy } from '../../project-mutex.js';
import { plural } from '../../reporters/plural.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { parseCommandArgs, reportParseFailure } from '../parse-command-args.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { formatBytes } from './format-bytes.js';

const usage = `Usage: dagmake gc [--keep-runs N] [--dry]

Removes cached objects that no lock of the project references: dagmake.lock, and the
NAME.dagmake.lock of every other pipeline file NAME.yaml that has run. Counts as kept what the
cache holds, and says how many outs the locks record are missing from it.

Options:
  --keep-runs N   also keep what the run-cache and memo entries of the last N runs need (default 0)
  --dry           show what would be removed and how many bytes; remove nothing`;

export const gcCommand: Command = {
  name: 'gc',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs<{ 'keep-runs'?: string; dry?: boolean }>(
      args,
      { 'keep-runs': { type: 'string' }, dry: { type: 'boolean' } },
      usage,
    );
    if (!parsed.ok) return reportParseFailure(parsed, io, 'gc');
    const keepRuns = Number(parsed.values['keep-runs'] ?? 0);
    if (!Number.isInteger(keepRuns) || keepRuns < 0) {
      io.stderr.write(`error: expected --keep-runs to be a whole number, got "${parsed.values['keep-runs']}"\n`);
      return ExitCode.usage;
    }
    const root = parsed.global.root;
    // A run in progress may be writing objects the lock does not reference yet.
    const mutex = await acquireProjectMutex(root, { wait: false });
    if (!mutex.ok) {
      printDiagnostics(io.stderr, mutex.error);
      return mutex.error.some(isProjectBusy) ? ExitCode.busy : ExitCode.usage;
    }
    try {
      const outs = await readProjectOuts(root);
      if (!outs.ok) {
        printDiagnostics(io.stderr, outs.error);
        return ExitCode.usage;
      }
      const store = await ObjectStore.openForProject(root);
      const report = await gc(store, {
        keepHashes: outs.value.hashes,
        keepRunsOfLast: keepRuns,
        dryRun: parsed.values.dry ?? false,
        recordedOuts: outs.value.recorded,
      });
      const lost = (await expectedInCache(root, report.missingOuts)).length;
      const verb = parsed.values.dry ? 'would remove' : 'removed';
      const [is, them] = lost === 1 ? ['is', 'it'] : ['are', 'them'];
      const missing =
        lost === 0
          ? ''
          : `; ${plural(lost, 'out')} the locks record ${is} not in the cache ` +
            `(a run stores ${them} again where the workspace still has ${them}; "dagmake cache verify" lists ${them})`;
      io.stdout.write(
        `${verb} ${plural(report.removedObjects, 'object')} (${formatBytes(report.removedBytes)}), ` +
          `${plural(report.removedRunEntries, 'run-cache entry', 'run-cache entries')} and ` +
          `${plural(report.removedMemoEntries, 'memo entry', 'memo entries')}; kept ${plural(report.keptObjects, 'object')}${missing}\n`,
      );
      return ExitCode.ok;
    } finally {
      await mutex.value.release();
    }
  },
};
