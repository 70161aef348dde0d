// One stage, top to bottom: fingerprint → fresh? → seen before (restore)? → run → commit.
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { asCacheWriteError, CacheWriteError } from '../cache/cache-write-error.js';
import type { Diagnostic } from '../errors.js';
import type { StageFailure, StageStatus, StaleReason } from '../events.js';
import type { StageDef } from '../pipeline/types.js';
import type { StageOutputSink, StageProcess } from '../run/stage-process.js';
import type { EngineContext } from './engine-context.js';
import { fingerprintStage, runCacheKey, type StageFingerprint } from './fingerprint.js';
import { missingRecordedOuts, NOT_CACHED, recordedOutsMissingBy, recordedOutsStillValid, restoreRecordedOuts, unrestorableFrozenMessage } from './recorded-outs.js';
import { clearOuts, commitOuts, observeOuts, quarantineOuts, setAsideUnknownOuts } from './outputs.js';
import { missingDepsMessage } from './missing-deps.js';
import { refillCache } from './refill-cache.js';
import { restoreOuts } from './restore-outs.js';
import { restorable } from './run-cache-rules.js';
import { type AcquireSlots, NOT_STARTED, type ScheduledWork, type StageOutcome } from './scheduler.js';
import { type ObservedOut, staleReasons } from './staleness.js';
import { withDefinitionChanges } from './definition-store.js';
import { startStageProcess } from './start-stage-process.js';
import { resumeDir, StageLog } from './stage-logs.js';

export function executeStage(stage: StageDef, context: EngineContext, acquireSlots: AcquireSlots): ScheduledWork {
  let process: StageProcess | undefined;
  let cancelled: boolean | undefined;
  const started = Date.now();
  const done = runStage(stage, context, {
    attach: (p) => {
      process = p;
      if (cancelled !== undefined) p.terminate(cancelled);
    },
    isCancelled: () => cancelled !== undefined,
    acquireSlots,
  }).catch((error: unknown): StageOutcome => {
    // The file system can refuse what a stage needs (moving an out aside, clearing it): that stage
    // fails with the reason, like any other failure, instead of vanishing from the run.
    const message = error instanceof Error ? error.message : String(error);
    context.emit({ type: 'stage', time: Date.now(), stage: stage.name, status: 'failed', reason: [], durationMs: Date.now() - started, failure: { message } });
    return 'failed';
  });
  return {
    done,
    cancel(force) {
      cancelled = force;
      process?.terminate(force);
    },
  };
}

interface Control {
  attach(process: StageProcess): void;
  isCancelled(): boolean;
  acquireSlots: AcquireSlots;
}

type Outcome = StageOutcome | typeof NOT_STARTED;

async function runStage(stage: StageDef, context: EngineContext, control: Control): Promise<Outcome> {
  // A stage's duration starts over when it gets its slots: waiting in the queue is not its time.
  const clock = { started: Date.now() };
  const finish = (status: StageStatus, reason: readonly StaleReason[], extra: { failure?: StageFailure; savedMs?: number; logFile?: string; frozen?: true } = {}) => {
    context.emit({ type: 'stage', time: Date.now(), stage: stage.name, status, reason, durationMs: Date.now() - clock.started, ...extra });
  };
  const fail = (message: string, reason: readonly StaleReason[] = []): StageOutcome => {
    finish('failed', reason, { failure: { message } });
    return 'failed';
  };

  const locked = context.lock.stages[stage.name];
  if (stage.frozen && locked) {
    const missing = missingRecordedOuts(context.root, locked);
    if (missing.length === 0) {
      await refillCache(stage, locked, context);
      finish('up-to-date', [], { savedMs: context.durations.get(stage.name), frozen: true });
      return 'ok';
    }
    const reasons = missing.map((out) => ({ kind: 'out-missing' as const, path: out.path }));
    const restored = await restoreRecordedOuts(context.store, context.root, missing, context.options.verify);
    if (!restored.ok) return fail(unrestorableFrozenMessage(stage.name, restored.out, restored.why), reasons);
    await dropResumeState(context, stage);
    finish('restored', reasons, { savedMs: context.durations.get(stage.name), frozen: true });
    return 'ok';
  }
  const fingerprinted = await fingerprintStage(stage, context.hasher);
  if (!fingerprinted.ok) return fail(fingerprinted.error.map(describeProblem).join('; '));
  const fingerprint = fingerprinted.value;
  if (fingerprint.missingDeps.length > 0) {
    return fail(missingDepsMessage(fingerprint.missingDeps), [
      ...fingerprint.missingDeps.map((path) => ({ kind: 'dep-missing' as const, path })),
    ]);
  }
  const outs = await observeOuts(stage.outs, context.hasher);
  const reasons: StaleReason[] = context.options.force
    ? [{ kind: 'forced' }]
    : await withDefinitionChanges(staleReasons(stage, fingerprint, locked, outs), fingerprint.parts, context.definitions);
  if (reasons.length === 0) {
    if (locked) await refillCache(stage, locked, context, () => runCacheKey(fingerprint));
    finish('up-to-date', [], { savedMs: context.durations.get(stage.name) });
    return 'ok';
  }
  if (control.isCancelled()) {
    finish('cancelled', reasons);
    return 'cancelled';
  }

  const setAside = await setAsideUnknownOuts(context.root, stage.name, stage.outs, outs, locked, context.store);
  for (const moved of setAside) {
    context.emit({
      type: 'warning',
      time: Date.now(),
      stage: stage.name,
      message: `out "${moved.path}" held content dagmake has no record of (neither the lock nor the cache); moved it to ${moved.movedTo}`,
    });
  }

  const key = runCacheKey(fingerprint);
  const cacheable = restorable(stage);
  if (cacheable && context.options.useRunCache && !context.options.force && recordedOutsStillValid(stage, locked, reasons)) {
    // Nothing it reads changed: the outs the lock records are its outs, if the cache still has them.
    const missing = recordedOutsMissingBy(locked, reasons);
    const restored = await restoreRecordedOuts(context.store, context.root, missing, context.options.verify);
    if (restored.ok) {
      await dropResumeState(context, stage);
      finish('restored', reasons, { savedMs: context.durations.get(stage.name) });
      return 'ok';
    }
    if (restored.why !== NOT_CACHED) {
      const message = `could not restore ${restored.out} from the cache (${restored.why}); running the stage instead`;
      context.emit({ type: 'warning', time: Date.now(), stage: stage.name, message });
    }
  }
  if (cacheable && context.options.useRunCache && !context.options.force) {
    const entry = await context.runCache.get(key);
    if (entry) {
      const restored = await restoreOuts(context, entry, stage);
      if (restored.ok) {
        await context.runCache.touch(key, context.runId).catch(() => undefined);
        await context.record(stage.name, { ...lockEntry(fingerprint), outs: restored.locked });
        context.definitions.note(fingerprint.definition, fingerprint.parts);
        await dropResumeState(context, stage);
        finish('restored', reasons, { savedMs: entry.durationMs });
        return 'ok';
      }
      context.emit({ type: 'warning', time: Date.now(), stage: stage.name, message: restored.message });
    }
  }
  return runAndCommit(stage, context, control, { fingerprint, outs, reasons, key, cacheable, clock, finish });
}

/** Outs are project-relative even with a `wdir`: a missing out found under the wdir says so. */
function wdirHint(root: string, stage: StageDef, missing: readonly string[]): string {
  if (stage.wdir === '.') return '';
  const found = missing.map((m) => path.posix.join(stage.wdir, m)).filter((p) => existsSync(path.join(root, p)));
  if (found.length === 0) return '';
  return ` (but ${found.map((p) => `"${p}"`).join(', ')} exists: outs are relative to the project root, not to wdir "${stage.wdir}")`;
}

/** A problem with a stage's inputs (a params file or key, an unreadable dep), with where and what to do. */
function describeProblem(d: Diagnostic): string {
  const where = d.location ? `${d.location.file}:${d.location.line}:${d.location.col}: ` : '';
  return `${where}${d.message}${d.hint ? ` (hint: ${d.hint})` : ''}`;
}

function lockEntry(fingerprint: StageFingerprint) {
  return { definition: fingerprint.definition, deps: fingerprint.deps, params: fingerprint.params };
}

interface RunPlan {
  readonly fingerprint: StageFingerprint;
  /** The outs as observed before the run. */
  readonly outs: readonly ObservedOut[];
  readonly reasons: readonly StaleReason[];
  readonly key: string;
  readonly cacheable: boolean;
  /** When the stage's own work began: reset when its slots are granted. */
  readonly clock: { started: number };
  readonly finish: (status: StageStatus, reason: readonly StaleReason[], extra?: { failure?: StageFailure; savedMs?: number; logFile?: string }) => void;
}

async function runAndCommit(stage: StageDef, context: EngineContext, control: Control, plan: RunPlan): Promise<Outcome> {
  const releaseSlots = await control.acquireSlots();
  if (releaseSlots === undefined) return NOT_STARTED;
  plan.clock.started = Date.now();
  try {
    return await runInSlots(stage, context, control, plan, releaseSlots);
  } finally {
    releaseSlots();
  }
}

async function runInSlots(stage: StageDef, context: EngineContext, control: Control, plan: RunPlan, releaseSlots: (failed?: boolean) => void): Promise<Outcome> {
  const { root } = context;
  if (control.isCancelled()) {
    plan.finish('cancelled', plan.reasons);
    return 'cancelled';
  }
  context.emit({
    type: 'stage-start',
    time: Date.now(),
    stage: stage.name,
    reasons: plan.reasons,
    previousDurationMs: context.durations.get(stage.name),
  });
  await clearOuts(root, stage.outs, plan.outs, context.ensuredDirs);
  const log = new StageLog(root, stage.name, context.earlierLogs.has(stage.name));
  const sink: StageOutputSink = {
    line: (stream, line) => {
      log.write(line);
      context.emit({ type: 'stage-log', time: Date.now(), stage: stage.name, stream, line });
    },
    progress: (p) => context.emit({ type: 'stage-progress', time: Date.now(), stage: stage.name, ...p }),
    metric: (m) => context.emit({ type: 'stage-metric', time: Date.now(), stage: stage.name, ...m }),
  };
  const process = await startStageProcess(stage, context, sink, plan.fingerprint);
  control.attach(process);
  const exit = await process.done;
  // Committing outputs is file-system work: the slots go to the next stage's process now, unless
  // this failure stops the run (fail-fast): then nothing new may start in them.
  releaseSlots(!exit.ok && !control.isCancelled());
  context.emit({ type: 'stage-exit', time: Date.now(), stage: stage.name, ok: exit.ok });
  const wroteLog = await log.close();
  if (wroteLog) context.earlierLogs.add(stage.name);
  const logFile = wroteLog ? path.relative(root, log.file) : undefined;

  if (!exit.ok || control.isCancelled()) {
    const moved = await quarantineOuts(root, stage.name, stage.outs);
    const note = moved.length > 0 ? ` (partial outputs moved to .dagmake/failed/${stage.name}/)` : '';
    const failure = exit.ok ? { message: 'cancelled' } : exit.failure;
    const status = control.isCancelled() ? 'cancelled' : 'failed';
    plan.finish(status, plan.reasons, { failure: { ...failure, message: failure.message + note }, ...(logFile !== undefined && { logFile }) });
    return status;
  }
  const committed = await commitOuts(root, stage.outs, context.hasher, context.store);
  if (!committed.ok) {
    const problems = [
      ...(committed.missing.length > 0
        ? [`did not produce declared out ${committed.missing.map((m) => `"${m}"`).join(', ')}${wdirHint(root, stage, committed.missing)}`]
        : []),
      ...(committed.unusable.length > 0 ? [`produced outs that cannot be stored: ${committed.unusable.join('; ')}`] : []),
      ...(committed.uncached ? [committed.uncached.message] : []),
    ];
    const moved = await quarantineOuts(root, stage.name, stage.outs);
    const note = moved.length > 0 ? ` (what it wrote moved to .dagmake/failed/${stage.name}/)` : '';
    const hint = committed.uncached ? `; hint: ${committed.uncached.hint}` : '';
    plan.finish('failed', plan.reasons, {
      failure: {
        message: `stage finished but ${problems.join(', and ')}${note}${hint}`,
      },
      ...(logFile !== undefined && { logFile }),
    });
    return 'failed';
  }
  const durationMs = Date.now() - plan.clock.started;
  if (plan.cacheable && committed.allCached) {
    await context.runCache
      .put(plan.key, { outs: committed.cached, durationMs, createdAt: Date.now(), runId: context.runId })
      .catch((error: unknown) => warnUnwrittenRunCache(context, stage.name, error));
  }
  await context.record(stage.name, { ...lockEntry(plan.fingerprint), outs: committed.locked });
  context.definitions.note(plan.fingerprint.definition, plan.fingerprint.parts);
  await dropResumeState(context, stage);
  plan.finish('ran', plan.reasons, { ...(logFile !== undefined && { logFile }) });
  return 'ok';
}

/**
 * Resume state is of no use once the stage succeeded or its outs were restored, and a later
 * attempt (`--force`, changed inputs) must start over. One stat per stage when there is none.
 */
async function dropResumeState(context: EngineContext, stage: StageDef): Promise<void> {
  if (!stage.resume && stage.uses === undefined) return;
  const dir = resumeDir(context.root, stage.name);
  if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
}

/** The outs are stored and about to be recorded: only restoring this exact run later is lost. */
function warnUnwrittenRunCache(context: EngineContext, stage: string, error: unknown): void {
  const refused = asCacheWriteError(error, context.store.dir, context.store.layout.runsDir);
  if (!(refused instanceof CacheWriteError)) throw error;
  context.emit({ type: 'warning', time: Date.now(), stage, message: `could not write its run-cache entry: ${refused.message}; hint: ${refused.hint}` });
}
