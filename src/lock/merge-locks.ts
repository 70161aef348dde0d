// Three-way merge of a lock, stage by stage, for git's merge driver. A lock is one entry per
// stage, so two branches that ran different stages merge without conflict; a stage both branches
// changed differently has no right answer at merge time (its inputs after the merge may match
// either side or neither), so its entry is dropped: the next run runs the stage again, or restores
// it from the run cache when this machine has seen those inputs.
import { normalizeStage } from './lock-file.js';
import type { LockedStage, LockFile } from './types.js';
import { LOCK_SCHEMA_VERSION } from './types.js';

export interface LockMerge {
  readonly lock: LockFile;
  /** Stages both sides changed, each in its own way: left out of the merged lock. */
  readonly dropped: readonly string[];
}

export function mergeLocks(base: LockFile, ours: LockFile, theirs: LockFile): LockMerge {
  const stages: Record<string, LockedStage> = {};
  const dropped: string[] = [];
  const names = new Set([...Object.keys(base.stages), ...Object.keys(ours.stages), ...Object.keys(theirs.stages)]);
  for (const name of [...names].sort()) {
    const [o, a, b] = [base.stages[name], ours.stages[name], theirs.stages[name]];
    const [ko, ka, kb] = [o, a, b].map(comparable);
    // Unchanged on one side: take the other (which may have removed the stage).
    const merged = ka === kb || kb === ko ? { entry: a } : ka === ko ? { entry: b } : undefined;
    if (merged === undefined) dropped.push(name);
    else if (merged.entry !== undefined) stages[name] = merged.entry;
  }
  return { lock: { schema: LOCK_SCHEMA_VERSION, stages }, dropped };
}

/** Entries are equal when their canonical forms are (deps, outs and params in sorted order). */
function comparable(stage: LockedStage | undefined): string | undefined {
  return stage === undefined ? undefined : JSON.stringify(normalizeStage(stage));
}
