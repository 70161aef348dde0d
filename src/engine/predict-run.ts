// What `run` would do with each selected stage (`run --dry`), decided the way execute-stage.ts
// and the scheduler decide it: skipped after an upstream failure; frozen with a lock entry → up to
// date; a dep missing at its turn → failed; stale → restored when the run cache holds a complete
// entry for its key (whose objects re-hash to their names, with --verify), run otherwise. Upstream
// stages are predicted first, so a dependent sees the outputs a restore would put in place (their
// hashes are in the entry) or knows that a run makes them unknown.
import { existsSync } from 'node:fs';
import { projectCacheDir } from '../cache/cache-layout.js';
import { hashFile } from '../cache/hash-file.js';
import { ObjectStore } from '../cache/object-store.js';
import { RunCache, type RunCacheEntry, type RunCacheOut } from '../cache/run-cache.js';
import type { StageFailure, StaleReason } from '../events.js';
import { isWithin, type StageGraph } from '../graph/build-graph.js';
import type { LockedPath, LockedStage } from '../lock/types.js';
import type { StageDef } from '../pipeline/types.js';
import type { StageStatusReport } from './compute-status.js';
import { runCacheKey, type StageFingerprint } from './fingerprint.js';
import { allCached, asCacheOut, DAMAGED, missingRecordedOuts, NOT_CACHED, recordedOutsMissingBy, recordedOutsStillValid, unrestorableFrozenMessage } from './recorded-outs.js';
import { missingDepsMessage } from './missing-deps.js';
import { matchesDeclaredOuts, restorable } from './run-cache-rules.js';
import { staleReasons } from './staleness.js';

export type PredictedAction = 'up-to-date' | 'restore' | 'run' | 'may-run' | 'fail' | 'skip';

export interface StagePrediction {
  readonly stage: string;
  readonly action: PredictedAction;
  readonly reasons: readonly StaleReason[];
  /**
   * Upstream stages whose new outputs decide it: whether a may-run stage runs at all, or whether a
   * stale one runs or is restored. For a skipped stage: the upstream stages that would fail or be
   * skipped (the run's `skippedBecause`).
   */
  readonly upstream: readonly string[];
  readonly frozen?: boolean;
  /** For a stage that would fail: what the run would report. */
  readonly failure?: Pick<StageFailure, 'message'>;
}

export interface PredictOptions {
  readonly force: boolean;
  readonly useRunCache: boolean;
  /** Restores re-hash the cached objects (`run --verify`), and a corrupt one is not restored. */
  readonly verify: boolean;
}

export async function predictRun(
  graph: StageGraph,
  reports: readonly StageStatusReport[],
  options: PredictOptions,
): Promise<StagePrediction[]> {
  const cacheDir = projectCacheDir(graph.pipeline.root);
  // Frozen stages restore their recorded outs even with --no-run-cache.
  const store = existsSync(cacheDir) ? ObjectStore.forReading(cacheDir) : undefined;
  const runCache = options.useRunCache && store ? new RunCache(store) : undefined;
  const predicted = new Map<string, StagePrediction>();
  /** By stage: the outs a predicted restore puts in place. */
  const restoredOuts = new Map<string, readonly RunCacheOut[]>();
  const verified = new Map<string, Promise<boolean>>();
  const result: StagePrediction[] = [];
  for (const report of reports) {
    const stage = graph.stages.get(report.stage)!;
    const prediction = await predictStage(stage, report, { graph, predicted, restoredOuts, store, runCache, verified, options });
    predicted.set(stage.name, prediction.prediction);
    if (prediction.restored) restoredOuts.set(stage.name, prediction.restored);
    result.push(prediction.prediction);
  }
  return result;
}

interface Known {
  readonly graph: StageGraph;
  readonly predicted: ReadonlyMap<string, StagePrediction>;
  readonly restoredOuts: ReadonlyMap<string, readonly RunCacheOut[]>;
  readonly store: ObjectStore | undefined;
  readonly runCache: RunCache | undefined;
  /** By object hash: whether its content hashes to its name (checked once per dry run). */
  readonly verified: Map<string, Promise<boolean>>;
  readonly options: PredictOptions;
}

async function predictStage(
  stage: StageDef,
  report: StageStatusReport,
  known: Known,
): Promise<{ prediction: StagePrediction; restored?: readonly RunCacheOut[] }> {
  const name = stage.name;
  // The scheduler skips a stage whose selected upstream stages did not succeed, frozen or not.
  const blockers = [...(known.graph.upstream.get(name) ?? [])].filter((up) => {
    const action = known.predicted.get(up)?.action;
    return action === 'fail' || action === 'skip';
  });
  if (blockers.length > 0) return { prediction: { stage: name, action: 'skip', reasons: [], upstream: blockers } };
  const { fingerprint, outs } = report;
  if (report.state === 'stale' && fingerprint === undefined) {
    // Its params file is still to be written upstream: what it holds then decides run or restore.
    const producers = report.reasons.flatMap((r) => (r.kind === 'params-missing' ? [r.producer] : []));
    return { prediction: { stage: name, action: 'run', reasons: report.reasons, upstream: [...new Set(producers)] } };
  }
  if (report.state === 'frozen' && report.locked) return predictFrozen(name, report.locked, known);
  if (report.state === 'frozen' || fingerprint === undefined || outs === undefined) {
    return { prediction: { stage: name, action: 'up-to-date', reasons: [], upstream: [], frozen: true } };
  }

  const upcoming = await upcomingDeps(stage, fingerprint, report.locked, known);
  // A dep that is missing at the stage's turn fails it before anything else, even with --force.
  const missing = upcoming.fingerprint.missingDeps;
  if (missing.length > 0) {
    return {
      prediction: {
        stage: name,
        action: 'fail',
        reasons: missing.map((path) => ({ kind: 'dep-missing', path })),
        upstream: [],
        failure: { message: missingDepsMessage(missing) },
      },
    };
  }
  if (known.options.force) return { prediction: { stage: name, action: 'run', reasons: [{ kind: 'forced' }], upstream: [] } };

  // The status report already says what changed in a changed definition.
  const detailed = report.reasons.find((r) => r.kind === 'definition-changed');
  const reasons = [
    ...staleReasons(stage, upcoming.fingerprint, report.locked, outs).map((r) => (r.kind === 'definition-changed' && detailed ? detailed : r)),
    ...upcoming.reasons,
  ];
  const upstream = [...upcoming.unknownFrom];
  if (reasons.length === 0) return { prediction: { stage: name, action: upstream.length > 0 ? 'may-run' : 'up-to-date', reasons, upstream } };
  if (known.runCache === undefined || !restorable(stage)) return { prediction: { stage: name, action: 'run', reasons, upstream: [] } };
  // Only outs are missing and nothing it reads changes: the run puts back what the lock records.
  if (upstream.length === 0 && recordedOutsStillValid(stage, report.locked, reasons)) {
    if ((await unrestorable(recordedOutsMissingBy(report.locked, reasons), known)) === undefined) {
      return { prediction: { stage: name, action: 'restore', reasons, upstream: [] }, restored: report.locked.outs.map(asCacheOut) };
    }
  }
  // Its key depends on outputs not made yet: it runs, unless they turn out to be ones seen before.
  if (upstream.length > 0) return { prediction: { stage: name, action: 'run', reasons, upstream } };
  const entry = await known.runCache.get(runCacheKey(upcoming.fingerprint));
  if (entry === undefined || !matchesDeclaredOuts(entry, stage) || (known.options.verify && !(await contentVerifies(entry, known)))) {
    return { prediction: { stage: name, action: 'run', reasons, upstream: [] } };
  }
  return { prediction: { stage: name, action: 'restore', reasons, upstream: [] }, restored: entry.outs };
}

/** Up to date, or its missing recorded outs restored from the cache; it never runs. */
async function predictFrozen(name: string, locked: LockedStage, known: Known): Promise<{ prediction: StagePrediction; restored?: readonly RunCacheOut[] }> {
  const missing = missingRecordedOuts(known.graph.pipeline.root, locked);
  if (missing.length === 0) return { prediction: { stage: name, action: 'up-to-date', reasons: [], upstream: [], frozen: true } };
  const reasons: StaleReason[] = missing.map((out) => ({ kind: 'out-missing', path: out.path }));
  const problem = await unrestorable(missing, known);
  if (problem !== undefined) {
    const failure = { message: unrestorableFrozenMessage(name, problem.out, problem.why) };
    return { prediction: { stage: name, action: 'fail', reasons, upstream: [], frozen: true, failure } };
  }
  return { prediction: { stage: name, action: 'restore', reasons, upstream: [], frozen: true }, restored: missing };
}

/** The first out a restore of these recorded outs would fail on, and why; undefined when none. */
async function unrestorable(outs: readonly RunCacheOut[], known: Known): Promise<{ out: string; why: string } | undefined> {
  for (const out of outs) {
    const present = known.store !== undefined && (await allCached(known.store, [out]));
    if (!present) return { out: out.path, why: NOT_CACHED };
    if (known.options.verify && !(await contentVerifies({ outs: [out] }, known))) return { out: out.path, why: DAMAGED };
  }
  return undefined;
}

/**
 * Whether every file object of the entry hashes to its name, as a restore with --verify checks
 * while copying (tree objects are checked on every read). Hashed in place rather than through a
 * trial restore: a dry run writes nothing, and a restore would evict the corrupt objects it finds.
 */
async function contentVerifies(entry: { readonly outs: readonly RunCacheOut[] }, known: Known): Promise<boolean> {
  const store = known.store!;
  for (const out of entry.outs) {
    const hashes = out.kind === 'file' ? [out.hash] : ((await store.readTree(out.hash)) ?? []).map((e) => e.hash);
    for (const hash of hashes) {
      let check = known.verified.get(hash);
      if (check === undefined) {
        check = hashFile(store.objectPath(hash)).then(
          (actual) => actual.hash === hash,
          () => false,
        );
        known.verified.set(hash, check);
      }
      if (!(await check)) return false;
    }
  }
  return true;
}

/**
 * The stage's deps as they will be when its turn comes: a dep that is a restored out, or a file in
 * a restored directory, gets the restored hash; any other dep an upstream stage writes is unknown
 * and left out, so that only the stage's own reasons remain.
 */
async function upcomingDeps(
  stage: StageDef,
  fingerprint: StageFingerprint,
  locked: LockedStage | undefined,
  known: Known,
): Promise<{ fingerprint: StageFingerprint; reasons: StaleReason[]; unknownFrom: Set<string> }> {
  const deps = new Map(fingerprint.deps.map((d) => [d.path, d]));
  const missing = new Set(fingerprint.missingDeps);
  const reasons: StaleReason[] = [];
  const unknownFrom = new Set<string>();
  for (const dep of stage.deps) {
    const writers = [...(known.graph.upstream.get(stage.name) ?? [])].filter((up) => {
      const action = known.predicted.get(up)?.action;
      if (action === undefined || action === 'up-to-date') return false;
      return known.graph.stages.get(up)!.outs.some((o) => isWithin(dep.path, o.path) || isWithin(o.path, dep.path));
    });
    if (writers.length === 0) continue;
    const out = writers.length === 1 ? known.restoredOuts.get(writers[0]!)?.find((o) => isWithin(dep.path, o.path)) : undefined;
    const restored = out && known.store && (await restoredContent(dep.path, out, known.store));
    if (restored === 'missing') {
      deps.delete(dep.path);
      missing.add(dep.path);
      continue;
    }
    if (restored) {
      deps.set(dep.path, restored);
      missing.delete(dep.path);
      continue;
    }
    for (const writer of writers) unknownFrom.add(writer);
    missing.delete(dep.path);
    deps.delete(dep.path);
    if (locked !== undefined && !locked.deps.some((d) => d.path === dep.path)) reasons.push({ kind: 'dep-changed', path: dep.path });
  }
  return {
    fingerprint: {
      ...fingerprint,
      deps: [...deps.values()].sort((a, b) => (a.path < b.path ? -1 : 1)),
      missingDeps: stage.deps.map((d) => d.path).filter((p) => missing.has(p)),
    },
    reasons,
    unknownFrom,
  };
}

/** What a restore of `out` leaves at `dep`: known content, nothing ('missing'), or unknown without hashing. */
async function restoredContent(dep: string, out: RunCacheOut, store: ObjectStore): Promise<LockedPath | 'missing' | undefined> {
  if (dep === out.path) return { path: dep, hash: out.hash, size: out.size, ...(out.nfiles !== undefined && { nfiles: out.nfiles }) };
  // A file in a restored directory is listed in its tree; a directory inside it would need hashing.
  if (out.kind !== 'dir' || out.path === '.') return undefined;
  const relative = dep.slice(out.path.length + 1);
  const entries = await store.readTree(out.hash);
  if (entries === undefined) return undefined;
  const file = entries.find((e) => e.path === relative);
  if (file) return { path: dep, hash: file.hash, size: file.size };
  // Trees list files only, and a restore creates no directory that holds none.
  return entries.some((e) => e.path.startsWith(`${relative}/`)) ? undefined : 'missing';
}
