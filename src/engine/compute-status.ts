// Staleness of every selected stage without running anything (status, explain, run --dry).
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic, Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import type { StaleReason } from '../events.js';
import type { StageGraph } from '../graph/build-graph.js';
import type { Selection } from '../graph/select-stages.js';
import { type PipelineLock, readPipelineLock } from '../lock/pipeline-lock.js';
import type { LockedStage } from '../lock/types.js';
import type { StageDef } from '../pipeline/types.js';
import { DefinitionStore, withDefinitionChanges } from './definition-store.js';
import { fingerprintStage, type StageFingerprint } from './fingerprint.js';
import { openPathHasher } from './open-path-hasher.js';
import { observeOuts } from './outputs.js';
import { prepareRun } from './prepare-run.js';
import { type ObservedOut, staleReasons } from './staleness.js';

export interface StageStatusReport {
  readonly stage: string;
  readonly state: 'up-to-date' | 'stale' | 'frozen';
  readonly reasons: readonly StaleReason[];
  /** Stale upstream stages: this stage's deps will change when they run. */
  readonly upstreamStale: readonly string[];
  readonly locked?: LockedStage;
  /**
   * What the stage's inputs and outs are now; absent for frozen stages, which are not checked, and
   * for stages whose params file an upstream stage has not written yet.
   */
  readonly fingerprint?: StageFingerprint;
  readonly outs?: readonly ObservedOut[];
}

export async function computeStatus(
  file: string,
  displayPath: string,
  selection: Selection,
): Promise<Result<{ graph: StageGraph; reports: StageStatusReport[]; lock: PipelineLock }, Diagnostic[]>> {
  const prepared = await prepareRun(file, displayPath, selection);
  if (!prepared.ok) return prepared;
  const { graph, stages } = prepared.value;
  const root = graph.pipeline.root;
  const lock = await readPipelineLock(graph.pipeline);
  if (!lock.ok) return lock;
  const stagesLock = lock.value.lock.stages;
  const hasher = await openPathHasher(root);
  const definitions = new DefinitionStore(root);
  const problems: Diagnostic[] = [];
  const reports = await Promise.all(
    stages.map(async (name): Promise<StageStatusReport | undefined> => {
      const stage = graph.stages.get(name)!;
      const locked = stagesLock[name];
      if (stage.frozen && locked) return { stage: name, state: 'frozen', reasons: [], upstreamStale: [], locked };
      const fingerprint = await fingerprintStage(stage, hasher);
      if (!fingerprint.ok) {
        // A params file an upstream stage has yet to write is read when that stage has run.
        const pending = pendingParamsFiles(stage, graph);
        if (pending.length > 0) return { stage: name, state: 'stale', reasons: pending, upstreamStale: [], locked };
        problems.push(...fingerprint.error);
        return undefined;
      }
      const outs = await observeOuts(stage.outs, hasher);
      const reasons = await withDefinitionChanges(staleReasons(stage, fingerprint.value, locked, outs), fingerprint.value.parts, definitions);
      const state = reasons.length > 0 ? 'stale' : 'up-to-date';
      return { stage: name, state, reasons, upstreamStale: [], locked, fingerprint: fingerprint.value, outs };
    }),
  );
  await hasher.save();
  if (problems.length > 0) return fail(problems);
  const byName = new Map(reports.map((r) => [r!.stage, r!]));
  const withUpstream = reports.map((report) => {
    const upstreamStale = [...(graph.upstream.get(report!.stage) ?? [])].filter((up) => byName.get(up)?.state === 'stale');
    return { ...report!, upstreamStale };
  });
  return ok({ graph, reports: withUpstream, lock: lock.value });
}

function pendingParamsFiles(stage: StageDef, graph: StageGraph): StaleReason[] {
  const reasons: StaleReason[] = [];
  for (const spec of stage.params) {
    const producer = graph.producers.get(spec.file);
    if (producer !== undefined && producer !== stage.name && !existsSync(path.join(graph.pipeline.root, spec.file))) {
      reasons.push({ kind: 'params-missing', file: spec.file, producer });
    }
  }
  return reasons;
}
