import { holdCacheExclusively } from '../../cache/cache-lock.js';
import { projectCacheDir } from '../../cache/cache-layout.js';
import { gc } from '../../cache/gc.js';
import { ObjectStore } from '../../cache/object-store.js';
import { openStore } from '../../engine/open-store.js';
import { expectedInCache, readProjectOuts } from '../../engine/project-outs.js';
import { type Diagnostic, ok, type Result } from '../../errors.js';
import { acquireProjectMutex, isProjectBusy } from '../../project-mutex.js';
import { plural } from '../../reporters/plural.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { outsideProject } from '../outside-project.js';
import { parseCommandArgs, reportParseFailure } from '../parse-command-args.js';
import { printDiagnostics } from '../print-diagnostics.js';
import { parseByteSize } from '../parse-byte-size.js';
import { formatBytes } from './format-bytes.js';
import { otherCacheUsers } from './shared-cache-users.js';
import { wholeNumber } from '../whole-number.js';

const usage = `Usage: dagmake gc [--keep-runs N] [--max-size SIZE] [--dry]

Removes cached objects that no lock of the project references: dagmake.lock, and the
NAME.dagmake.lock of every other pipeline file NAME.yaml that has run. Counts as kept what the
cache holds, and says how many outs the locks record are missing from it. When other projects
use the same cache (DAGMAKE_CACHE_DIR, or a linked cache/), what their locks record is kept too,
and gc waits for none of them: it exits 75 while one of them runs.

Options:
  --keep-runs N     also keep what the run-cache and memo entries of the last N runs need (default 0;
                    with --max-size, as many runs as fit)
  --max-size SIZE   keep recent runs' entries only while the cache stays within SIZE (500M, 10G);
                    what the locks reference is kept whatever its size
  --dry             show what would be removed and how many bytes; remove nothing`;

export const gcCommand: Command = {
  name: 'gc',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs<{ 'keep-runs'?: string; 'max-size'?: string; dry?: boolean }>(
      args,
      { 'keep-runs': { type: 'string' }, 'max-size': { type: 'string' }, dry: { type: 'boolean' } },
      usage,
      { takesOperands: false },
    );
    if (!parsed.ok) return reportParseFailure(parsed, io, 'gc');
    const sizeText = parsed.values['max-size'];
    const maxBytes = sizeText === undefined ? undefined : parseByteSize(sizeText);
    if (sizeText !== undefined && maxBytes === undefined) {
      io.stderr.write(`error: expected --max-size to be a size such as 500M or 10G, got "${sizeText}"\n  hint: units are B, K, M, G and T (powers of 1024)\n`);
      return ExitCode.usage;
    }
    const keepRunsText = parsed.values['keep-runs'];
    // Without --keep-runs, a size limit alone decides how many runs stay.
    const keepRuns = keepRunsText === undefined ? (maxBytes === undefined ? 0 : Infinity) : wholeNumber(keepRunsText, 0);
    if (keepRuns === undefined) {
      io.stderr.write(`error: expected --keep-runs to be a whole number, got "${parsed.values['keep-runs']}"\n`);
      return ExitCode.usage;
    }
    const notProject = await outsideProject(parsed.global);
    if (notProject) {
      printDiagnostics(io.stderr, [notProject]);
      return ExitCode.usage;
    }
    const root = parsed.global.root;
    const dry = parsed.values.dry ?? false;
    // Held before the project's own lock, until gc is done: a run of any project sharing the
    // cache, its first one included, waits for it, and of two gcs the second says the first has it.
    const cache = await openHeldStore(root, dry);
    if (!cache.ok) {
      printDiagnostics(io.stderr, cache.error);
      return cache.error.some(isProjectBusy) ? ExitCode.busy : ExitCode.usage;
    }
    const { store, release } = cache.value;
    let report: Awaited<ReturnType<typeof gc>>;
    let others: Awaited<ReturnType<typeof otherCacheUsers>>;
    try {
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
        others = await otherCacheUsers(store.dir, root, dry);
        if (!others.ok) {
          printDiagnostics(io.stderr, others.error);
          return others.busy ? ExitCode.busy : ExitCode.usage;
        }
        try {
          report = await gc(store, {
            keepHashes: new Set([...outs.value.hashes, ...others.value.hashes]),
            keepRunsOfLast: keepRuns,
            ...(maxBytes !== undefined && { maxBytes }),
            dryRun: dry,
            recordedOuts: outs.value.recorded,
          });
        } finally {
          await others.value.release();
        }
      } finally {
        await mutex.value.release();
      }
    } finally {
      await release();
    }
    for (const project of others.value.projects) io.stdout.write(`kept what ${project} records too: it shares this cache\n`);
    for (const project of others.value.gone) io.stdout.write(`${dry ? 'would forget' : 'forgot'} ${project}: it no longer exists\n`);
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
    if (maxBytes !== undefined) io.stdout.write(`${sizeNote(report, maxBytes, dry)}\n`);
    return ExitCode.ok;
  },
};

/** The store, held exclusively unless the gc is dry (which removes nothing, and creates and sweeps nothing). */
async function openHeldStore(root: string, dry: boolean): Promise<Result<{ store: ObjectStore; release(): Promise<void> }, Diagnostic[]>> {
  if (dry) return ok({ store: ObjectStore.forReading(projectCacheDir(root)), release: async () => undefined });
  const opened = await openStore(root);
  if (!opened.ok) return opened;
  const held = await holdCacheExclusively(opened.value.dir, root, 'gc');
  if (!held.ok) return held;
  return ok({ store: opened.value, release: () => held.value.release() });
}

function sizeNote(report: { keptBytes: number; keptRuns: number; lockBytes: number }, maxBytes: number, dry: boolean): string {
  const runs = report.keptRuns === 0 ? 'only what the locks reference' : `what the locks reference and the entries of the last ${plural(report.keptRuns, 'run')}`;
  const kept = `${dry ? 'would keep' : 'kept'} ${formatBytes(report.keptBytes)} of the ${formatBytes(maxBytes)} allowed: ${runs}`;
  if (report.lockBytes <= maxBytes) return kept;
  return `${kept}; the locks alone reference ${formatBytes(report.lockBytes)}, over the limit (gc never removes what a lock records)`;
}
