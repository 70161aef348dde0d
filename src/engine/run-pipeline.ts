// A whole run: prepare, take the project mutex, schedule stages, fold the journal into the lock.
import { randomUUID } from 'node:crypto';
import { projectCacheDir } from '../cache/cache-layout.js';
import { type CacheLease, shareCache } from '../cache/cache-lock.js';
import { noteCacheUser } from '../cache/cache-users.js';
import { RunCache } from '../cache/run-cache.js';
import type { Diagnostic } from '../errors.js';
import type { DagEvent, StageStatus } from '../events.js';
import type { Selection } from '../graph/select-stages.js';
import { LockSession } from '../lock/lock-session.js';
import { snapshotRunMetrics } from '../metrics/snapshot-run-metrics.js';
import { acquireProjectMutex, isProjectBusy } from '../project-mutex.js';
import { whenGuardRuns } from '../run/orphan-guard.js';
import { readDurations, writeDurations } from './durations.js';
import { readLastFailures, writeLastFailures } from './last-failures.js';
import type { EngineContext, RunOptions } from './engine-context.js';
import { executeStage } from './execute-stage.js';
import { openPathHasher } from './open-path-hasher.js';
import { openStore } from './open-store.js';
import type { PathHasher } from './path-hasher.js';
import { DefinitionStore } from './definition-store.js';
import { prepareRun } from './prepare-run.js';
import { listStageLogs } from './stage-logs.js';
import { Scheduler } from './scheduler.js';

export interface RunRequest {
  readonly file: string;
  readonly displayPath: string;
  readonly selection: Selection;
  readonly jobs: number;
  readonly keepGoing: boolean;
  readonly options: RunOptions;
  /** Wait for another run of the same project to finish (else fail at once). */
  readonly wait: boolean;
  readonly graceMs: number;
  emit(event: DagEvent): void;
  onWaiting?(holderPid: number): void;
  /** Called once, with what it waits for, when gc in a project sharing the cache holds it. */
  onWaitingForCache?(message: string): void;
}

export type RunOutcome =
  | { readonly kind: 'invalid'; readonly diagnostics: readonly Diagnostic[] }
  /** Without waiting, another run held the project: nothing was run. */
  | { readonly kind: 'busy'; readonly diagnostics: readonly Diagnostic[] }
  | { readonly kind: 'finished'; readonly failed: number; readonly cancelled: boolean }
  /** Cancelled while it waited for another run of the project: nothing was run. */
  | { readonly kind: 'cancelled-waiting' };

export interface RunHandle {
  readonly outcome: Promise<RunOutcome>;
  /** First call: stop scheduling and terminate running stages gracefully; second: kill them. */
  cancel(): void;
  /**
   * Inputs changed: params files are read again from now on, and the named running stages are
   * terminated and run again in this run. Returns those restarted.
   */
  restart(stages: readonly string[]): string[];
  /**
   * The named stages finished but will run again in a later run: what depends on them stops now
   * (running stages are terminated, reported as restarted) and is left to that run. Returns those terminated.
   */
  withdrawDownstream(stages: readonly string[]): string[];
  /** The named stages and what depends on them stop now, left to a later run (their definitions changed). */
  withdraw(stages: readonly string[]): string[];
}

export function runPipeline(request: RunRequest): RunHandle {
  let scheduler: Scheduler | undefined;
  let pathHasher: PathHasher | undefined;
  let cancelRequested = 0;
  const waiting = new AbortController();
  const outcome = (async (): Promise<RunOutcome> => {
    const prepared = await prepareRun(request.file, request.displayPath, request.selection);
    if (!prepared.ok) return { kind: 'invalid', diagnostics: prepared.error };
    const { graph, stages } = prepared.value;
    const root = graph.pipeline.root;
    if (cancelRequested > 0) return { kind: 'cancelled-waiting' };
    // The cache first, before anything is read from or written to it: a gc of any project sharing
    // it would otherwise collect what this run is about to record. And before the project's lock,
    // so that the gc this run waits for can take that lock to read what the project records.
    const shared = await shareCache(projectCacheDir(root), root, { wait: request.wait, onWaiting: request.onWaitingForCache, signal: waiting.signal });
    if (waiting.signal.aborted) {
      if (shared.ok) await shared.value.release();
      return { kind: 'cancelled-waiting' };
    }
    if (!shared.ok && shared.error.some(isProjectBusy)) return { kind: 'busy', diagnostics: shared.error };
    // A cache this user may not write (read-only, shared by a team) still restores: the run goes on, and says what it risks.
    const unshared = shared.ok ? [] : shared.error;
    const lease: CacheLease | undefined = shared.ok ? shared.value : undefined;
    const mutex = await acquireProjectMutex(root, { wait: request.wait, onWaiting: request.onWaiting, signal: waiting.signal });
    if (waiting.signal.aborted || !mutex.ok) {
      if (mutex.ok) await mutex.value.release();
      await lease?.release();
      if (waiting.signal.aborted) return { kind: 'cancelled-waiting' };
    }
    if (!mutex.ok) return { kind: mutex.error.some(isProjectBusy) ? 'busy' : 'invalid', diagnostics: mutex.error };
    const stopListening = whenGuardRuns((pid) => mutex.value.noteGuard(pid));
    try {
      const session = await LockSession.openForPipeline(graph.pipeline);
      if (!session.ok) return { kind: 'invalid', diagnostics: session.error };
      const opened = await Promise.all([
        openStore(root),
        openPathHasher(root),
        readDurations(root),
        listStageLogs(root),
        readLastFailures(root),
      ]);
      const [storeOpened, hasher, durations, earlierLogs, lastFailures] = opened;
      pathHasher = hasher;
      let failuresChanged = false;
      if (!storeOpened.ok) return { kind: 'invalid', diagnostics: storeOpened.error };
      const store = storeOpened.value;
      const started = Date.now();
      const counts: Record<StageStatus, number> = { ran: 0, restored: 0, 'up-to-date': 0, failed: 0, skipped: 0, cancelled: 0 };
      let savedMs = 0;
      const emit = (event: DagEvent) => {
        // A stage cancelled to be restarted (now or in the next run) is counted once, by how its restarted run ends.
        if (event.type === 'stage' && event.status === 'cancelled' && scheduler?.isRestarting(event.stage)) {
          request.emit({ ...event, restarted: true });
          return;
        }
        if (event.type === 'stage') {
          counts[event.status]++;
          if (event.savedMs !== undefined && (event.status === 'restored' || event.status === 'up-to-date')) savedMs += event.savedMs;
          if (event.status === 'ran') durations.set(event.stage, event.durationMs);
          if (event.status === 'failed') {
            lastFailures.set(event.stage, event.failure?.message ?? 'failed');
            failuresChanged = true;
          } else if (event.status !== 'skipped' && event.status !== 'cancelled' && lastFailures.delete(event.stage)) {
            failuresChanged = true;
          }
        }
        request.emit(event);
      };
      const context: EngineContext = {
        root,
        graph,
        hasher,
        store,
        runCache: new RunCache(store),
        lock: session.value.snapshot(),
        options: request.options,
        jobs: request.jobs,
        runId: `${new Date(started).toISOString()}-${randomUUID().slice(0, 8)}`,
        durations,
        ensuredDirs: new Set(),
        earlierLogs,
        definitions: new DefinitionStore(root),
        record: (stage, locked) => session.value.record(stage, locked),
        emit,
      };
      emit({ type: 'run-start', time: started, stages, jobs: request.jobs });
      for (const problem of unshared) {
        emit({ type: 'warning', time: Date.now(), message: `${problem.message}: gc in another project sharing it will not wait for this run (${problem.hint})` });
      }
      // Written while the stages run: a shared cache's gc keeps what this project's locks record.
      const noted = noteCacheUser(store.dir, root).catch((error: unknown) =>
        emit({ type: 'warning', time: Date.now(), message: `could not record this project as a user of ${store.dir} (${(error as Error).message}): gc in another project sharing it may remove what this one needs` }),
      );
      for (const stage of stages) emit({ type: 'stage-queued', time: Date.now(), stage });
      scheduler = new Scheduler({
        graph,
        stages,
        jobs: request.jobs,
        keepGoing: request.keepGoing,
        graceMs: request.graceMs,
        start: (name, acquireSlots) => executeStage(graph.stages.get(name)!, context, acquireSlots),
        skip: (stage, because, stopped) =>
          emit({
            type: 'stage',
            time: Date.now(),
            stage,
            status: 'skipped',
            reason: [],
            durationMs: 0,
            skippedBecause: because,
            ...(stopped !== undefined && { skippedAfterStop: stopped }),
          }),
      });
      for (let i = 0; i < cancelRequested; i++) scheduler.cancel();
      const result = await scheduler.run();
      // Separate files, each written atomically on its own: no reason to wait for one another.
      // Durations change only when a stage ran; a no-op leaves the file alone.
      // Only the lock must be written; the rest speeds up or annotates later runs, so a full disk
      // there costs a warning, not the end of a run whose stages are done.
      const optional = (write: Promise<void>, what: string) =>
        write.catch((error: unknown) => {
          if (typeof (error as NodeJS.ErrnoException).code !== 'string') throw error;
          emit({ type: 'warning', time: Date.now(), message: `could not save ${what} (${(error as Error).message.split(',')[0]})` });
        });
      const [folded] = await Promise.all([
        session.value.close(),
        optional(hasher.save(), 'the stat cache'),
        counts.ran > 0 ? optional(writeDurations(root, durations), 'stage durations') : undefined,
        failuresChanged ? optional(writeLastFailures(root, lastFailures), 'the failures of this run') : undefined,
        noted,
      ]);
      if (folded.ok) {
        const referenced = new Set(Object.values(folded.value.stages).map((s) => s.definition));
        await optional(context.definitions.save(referenced), 'what the recorded definitions consist of');
      }
      const unsaved = counts.failed === 0 && !result.cancelled && folded.ok ? await snapshotRunMetrics(root, graph.pipeline.stages) : undefined;
      if (unsaved !== undefined) emit({ type: 'warning', time: Date.now(), message: `${unsaved.message}: ${unsaved.hint}` });
      emit({
        type: 'summary',
        time: Date.now(),
        ran: counts.ran,
        restored: counts.restored,
        upToDate: counts['up-to-date'],
        failed: counts.failed,
        skipped: counts.skipped,
        cancelled: counts.cancelled,
        durationMs: Date.now() - started,
        savedMs,
      });
      if (!folded.ok) return { kind: 'invalid', diagnostics: folded.error };
      return { kind: 'finished', failed: counts.failed, cancelled: result.cancelled };
    } finally {
      stopListening();
      await mutex.value.release();
      await lease?.release();
    }
  })();
  return {
    outcome,
    cancel() {
      cancelRequested++;
      if (scheduler === undefined) waiting.abort();
      scheduler?.cancel();
    },
    restart: (stages) => {
      // Each params file is parsed once per run: a restarted stage, or one yet to start, must not get the old values.
      pathHasher?.forgetParams();
      return scheduler?.restart(stages) ?? [];
    },
    withdrawDownstream: (stages) => scheduler?.withdrawDownstream(stages) ?? [],
    withdraw: (stages) => scheduler?.withdraw(stages) ?? [],
  };
}
