// Several pipeline files in one project each keep a lock of their own (lock-location.ts). Nothing
// in one file shows what another writes, so two of them could declare the same out and overwrite
// each other's output on every run. Before a run, the outs the other locks record are compared
// with this pipeline's: only projects with more than one lock pay for reading them.
import type { Diagnostic } from '../errors.js';
import { isWithin } from '../graph/build-graph.js';
import { applyJournal, readJournal } from '../lock/journal.js';
import { readLock } from '../lock/lock-file.js';
import { DEFAULT_PIPELINE_FILE, lockFileFor, pipelineStemOf } from '../lock/lock-location.js';
import { projectLockFiles } from '../lock/project-locks.js';
import type { Pipeline } from '../pipeline/types.js';

interface RecordedOut {
  readonly lockFile: string;
  readonly stage: string;
  readonly path: string;
}

export async function outsOfOtherPipelines(pipeline: Pipeline): Promise<Diagnostic[]> {
  const own = lockFileFor(pipeline.file);
  const others = (await projectLockFiles(pipeline.root)).filter((lockFile) => lockFile !== own);
  if (others.length === 0) return [];
  const recorded: RecordedOut[] = [];
  for (const lockFile of others) {
    const [lock, journal] = await Promise.all([readLock(pipeline.root, lockFile), readJournal(pipeline.root, lockFile)]);
    // An unreadable lock is reported by whatever reads it for its own pipeline.
    if (!lock.ok || !journal.ok) continue;
    for (const [stage, entry] of Object.entries(applyJournal(lock.value, journal.value).stages)) {
      for (const out of entry.outs) recorded.push({ lockFile, stage, path: out.path });
    }
  }
  const problems: Diagnostic[] = [];
  for (const stage of pipeline.stages) {
    for (const out of stage.outs) {
      // The same stage with the same out was moved here (or its entry copied from dagmake.lock):
      // the other pipeline's next run drops its entry.
      const clash = recorded.find((r) => (isWithin(out.path, r.path) || isWithin(r.path, out.path)) && !(r.stage === stage.name && r.path === out.path));
      if (clash === undefined) continue;
      const stem = pipelineStemOf(clash.lockFile);
      const otherPipeline = stem === undefined ? DEFAULT_PIPELINE_FILE : `${stem}.yaml`;
      problems.push({
        message:
          `out "${out.path}" of stage "${stage.name}" overlaps out "${clash.path}" of stage "${clash.stage}", which ${clash.lockFile} records for another ` +
          `pipeline file (${otherPipeline}): the two would overwrite each other's output`,
        location: out.location,
        hint: `write each path from one pipeline only: rename one of the outs; if "${clash.stage}" is gone from ${otherPipeline}, run it once (dagmake -f ${otherPipeline} run) so that its lock drops the entry`,
      });
    }
  }
  return problems;
}

