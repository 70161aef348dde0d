import type { DefinitionStore } from './definition-store.js';
import type { ObjectStore } from '../cache/object-store.js';
import type { RunCache } from '../cache/run-cache.js';
import type { DagEvent } from '../events.js';
import type { StageGraph } from '../graph/build-graph.js';
import type { LockedStage, LockFile } from '../lock/types.js';
import type { PathHasher } from './path-hasher.js';

export interface RunOptions {
  /** Rerun the selected stages even when up to date (restoring from the run cache is skipped too). */
  readonly force: boolean;
  /** Re-hash cached objects before restoring them. */
  readonly verify: boolean;
  /** Restore stale stages from the run cache when their inputs were seen before. */
  readonly useRunCache: boolean;
}

/** Everything a stage execution needs from the run around it. */
export interface EngineContext {
  readonly root: string;
  readonly graph: StageGraph;
  readonly hasher: PathHasher;
  readonly store: ObjectStore;
  readonly runCache: RunCache;
  /** The lock as it was when the run started (with leftovers of a crashed run folded in). */
  readonly lock: LockFile;
  readonly options: RunOptions;
  /** CPU slots of the run (-j): a stage never gets more, whatever its resources ask. */
  readonly jobs: number;
  readonly runId: string;
  /** Recorded durations of earlier successful runs, for ETAs and "time saved". */
  readonly durations: ReadonlyMap<string, number>;
  /** Directories this run has already created (outs' parents), so each costs one mkdir per run. */
  readonly ensuredDirs: Set<string>;
  /** Stages with a log from an earlier run (listed once per run), which a silent run must remove. */
  readonly earlierLogs: Set<string>;
  /** The parts of definitions recorded by runs, to say what changed in a stage's definition. */
  readonly definitions: DefinitionStore;
  /** Durably records a finished stage (journal); survives a kill -9 of the engine. */
  record(stage: string, locked: LockedStage): Promise<void>;
  emit(event: DagEvent): void;
}
