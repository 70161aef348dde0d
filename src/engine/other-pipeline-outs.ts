// Several pipeline files in one project each keep a lock of their own (lock-location.ts). Nothing
// in one file shows what another writes, so two of them could declare the same out and overwrite
// each other's output on every run. Before a run, the outs the other locks record are compared
// with this pipeline's: only projects with more than one lock pay for reading them.
import type { Diagnostic } from '../errors.js';
import { overlappingPaths } from '../graph/overlapping-paths.js';
import { DEFAULT_PIPELINE_FILE, lockFileFor, pipelineStemOf } from '../lock/lock-location.js';
import { readProjectLocks } from '../lock/project-locks.js';
import type { Pipeline } from '../pipeline/types.js';

interface RecordedOut {
  readonly lockFile: string;
  readonly stage: string;
  readonly path: string;
}

export async function outsOfOtherPipelines(pipeline: Pipeline): Promise<Diagnostic[]> {
  const others = await readProjectLocks(pipeline.root, lockFileFor(pipeline.file));
  // An unreadable lock is reported by whatever reads it for its own pipeline.
  if (!others.ok || others.value.length === 0) return [];
  const recorded = new Map<string, RecordedOut>();
  for (const { lockFile, lock } of others.value) {
    for (const [stage, entry] of Object.entries(lock.stages)) {
      for (const out of entry.outs) recorded.set(out.path, { lockFile, stage, path: out.path });
    }
  }
  const sorted = [...recorded.keys()].sort();
  const problems: Diagnostic[] = [];
  for (const stage of pipeline.stages) {
    for (const out of stage.outs) {
      // The same stage with the same out was moved here (or its entry copied from dagmake.lock):
      // the other pipeline's next run drops its entry.
      const clash = overlappingPaths(out.path, recorded, sorted).find((r) => !(r.stage === stage.name && r.path === out.path));
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
