// Several pipeline files in one project each keep a lock of their own (lock-location.ts). Nothing
// in one file shows what another writes, so two of them could declare the same out and overwrite
// each other's output on every run. Before a run, the outs the other locks record are compared
// with this pipeline's: only projects with more than one lock pay for reading them.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic } from '../errors.js';
import { overlappingPaths } from '../graph/overlapping-paths.js';
import { lockFileFor, pipelineFilesOf } from '../lock/lock-location.js';
import { readProjectLocks } from '../lock/project-locks.js';
import type { OutSpec, Pipeline } from '../pipeline/types.js';

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
  const definingFile = definingFiles(pipeline.root);
  const problems: Diagnostic[] = [];
  for (const stage of pipeline.stages) {
    for (const out of stage.outs) {
      const overlapping = overlappingPaths(out.path, recorded, sorted);
      const clash = overlapping.find((r) => !(r.stage === stage.name && r.path === out.path));
      if (clash !== undefined) {
        problems.push(overlapProblem(stage.name, out, clash, otherPipelineOf(pipeline.root, clash.lockFile)));
        continue;
      }
      // The same stage with the same out was moved here (or its entry copied from dagmake.lock),
      // and the other pipeline's next run drops its entry; unless that file still defines it.
      const same = overlapping[0];
      const otherFile = same && (await definingFile(same.lockFile)).get(stage.name);
      if (otherFile !== undefined) problems.push(definedTwiceProblem(pipeline, stage.name, out, otherFile));
    }
  }
  return problems;
}

/**
 * For each other lock, the stages its pipeline file defines now, each with the file's name; each
 * file is read once, and only when asked.
 */
function definingFiles(root: string): (lockFile: string) => Promise<ReadonlyMap<string, string>> {
  const byLock = new Map<string, Promise<ReadonlyMap<string, string>>>();
  return (lockFile) => {
    let files = byLock.get(lockFile);
    if (files === undefined) byLock.set(lockFile, (files = stagesOfPipelineFiles(root, pipelineFilesOf(lockFile))));
    return files;
  };
}

async function stagesOfPipelineFiles(root: string, names: readonly string[]): Promise<ReadonlyMap<string, string>> {
  // Imported only here: most runs never look into another pipeline file, and the YAML parser costs.
  const { definedStageNames } = await import('../pipeline/defined-stage-names.js');
  const fileOf = new Map<string, string>();
  for (const name of names) {
    for (const stage of await definedStageNames(path.join(root, name))) if (!fileOf.has(stage)) fileOf.set(stage, name);
  }
  return fileOf;
}

/** The pipeline file a lock belongs to, as the project names it (NAME.yaml or NAME.yml). */
function otherPipelineOf(root: string, lockFile: string): string {
  const names = pipelineFilesOf(lockFile);
  return names.find((name) => existsSync(path.join(root, name))) ?? names[0]!;
}

function overlapProblem(stage: string, out: OutSpec, clash: RecordedOut, otherPipeline: string): Diagnostic {
  return {
    message:
      `out "${out.path}" of stage "${stage}" overlaps out "${clash.path}" of stage "${clash.stage}", which ${clash.lockFile} records for another ` +
      `pipeline file (${otherPipeline}): the two would overwrite each other's output`,
    location: out.location,
    hint: `write each path from one pipeline only: rename one of the outs; if "${clash.stage}" is gone from ${otherPipeline}, run it once (dagmake -f ${otherPipeline} run) so that its lock drops the entry`,
  };
}

function definedTwiceProblem(pipeline: Pipeline, stage: string, out: OutSpec, otherPipeline: string): Diagnostic {
  return {
    message:
      `out "${out.path}" of stage "${stage}" is also an out of stage "${stage}" of another pipeline file (${otherPipeline}), which still defines it: ` +
      `the two would overwrite each other's output`,
    location: out.location,
    hint: `define "${stage}" in one pipeline file only: if it moved to ${path.basename(pipeline.file)}, remove it from ${otherPipeline}`,
  };
}
