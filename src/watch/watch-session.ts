// `dagmake watch`: run the selected stages, then keep them up to date as their inputs change.
// File events are debounced, confirmed by content, mapped to the stages they feed, and turn into
// a new cycle — or, during a run, into a restart of just the running stages they make stale.
import path from 'node:path';
import { formatDiagnostic, type Diagnostic } from '../errors.js';
import type { RunRequest } from '../engine/run-pipeline.js';
import { isWithin } from '../graph/build-graph.js';
import { Hasher } from '../hash/hasher.js';
import type { ParamSpec } from '../pipeline/types.js';
import { ContentTracker } from './content-tracker.js';
import { Debouncer } from './debouncer.js';
import { createFingerprinter, selectedParamsChanged } from './file-fingerprint.js';
import { startFsWatcher, type FsWatcher } from './fs-watcher.js';
import { affectedStages, changedDefinitions, isOnWatchedPath, loadWatchPlan, paramsOnlyFiles, watchRoots, type WatchPlan } from './watch-plan.js';
import { WatchCycleRun } from './watch-cycle-run.js';
import { waitForWritesToSettle } from './write-settle.js';

/** A run request without the project-mutex options (watch holds no mutex between cycles), plus a debounce. */
export interface WatchRequest extends Omit<RunRequest, 'wait' | 'onWaiting' | 'onWaitingForCache'> {
  readonly debounceMs: number;
  /** How long a changed file must keep its size and modification time before it is read. */
  readonly settleMs: number;
}

export interface WatchHandle {
  /** Resolves once stopped: the running cycle is cancelled and the watcher closed. */
  readonly done: Promise<void>;
  /** First call: stop watching and terminate running stages; second: kill them. */
  stop(): void;
}

export function startWatch(request: WatchRequest): WatchHandle {
  const session = new WatchSession(request);
  return { done: session.start(), stop: () => session.stop() };
}

class WatchSession {
  readonly #root: string;
  readonly #debouncer: Debouncer;
  #hasher!: Hasher;
  #tracker!: ContentTracker;
  #plan: WatchPlan | undefined;
  /** The last pipeline failed to load: changes wait until it is fixed. */
  #planInvalid = false;
  /** The pipeline file and its vars files, also those of a pipeline that failed to load. */
  #configFiles: readonly string[];
  #roots: string[];
  #paramsOnly: ReadonlyMap<string, ReadonlyMap<string, readonly ParamSpec[]>> = new Map();
  #watchedRoots: string[] = [];
  #watcher: FsWatcher | undefined;
  #run: WatchCycleRun | undefined;
  #cycle = 0;
  /** Confirmed changes that the next cycle must take in. */
  readonly #pending = new Set<string>();
  /** Batches are handled one at a time so that content checks never interleave. */
  #queue: Promise<void> = Promise.resolve();
  #stopping = false;
  #stopped!: () => void;

  constructor(private readonly request: WatchRequest) {
    this.#root = path.dirname(request.file);
    this.#roots = [path.basename(request.file)];
    this.#configFiles = this.#roots;
    this.#debouncer = new Debouncer(request.debounceMs, Math.max(2000, request.debounceMs * 10), (paths) => {
      this.#queue = this.#queue
        .then(() => this.#onChanges(paths))
        .catch((error: unknown) => this.request.emit({ type: 'warning', time: Date.now(), message: `watching: ${String(error)}` }));
    });
  }

  async start(): Promise<void> {
    const stopped = new Promise<void>((resolve) => (this.#stopped = resolve));
    this.#hasher = await Hasher.open(this.#root);
    this.#tracker = new ContentTracker(this.#root, createFingerprinter(this.#hasher, new Map()));
    await this.#reloadPlan();
    await this.#tracker.syncAll(this.#roots, this.#excluded);
    await this.#refreshWatcher();
    if (this.#stopping) this.#stopped();
    else if (this.#plan && !this.#planInvalid) this.#startCycle();
    else this.#emitIdle();
    await stopped;
    await this.#queue;
    await this.#watcher?.close();
    // The hasher is not saved: each run saves the project's stat cache with what it saw.
  }

  stop(): void {
    if (this.#stopping) {
      this.#run?.cancel();
      return;
    }
    this.#stopping = true;
    this.#debouncer.cancel();
    if (this.#run) this.#run.cancel();
    else this.#stopped();
  }

  readonly #excluded = (rel: string): boolean => !isOnWatchedPath(this.#roots, this.#plan?.outs ?? [], rel);

  async #onChanges(paths: readonly string[]): Promise<void> {
    if (this.#stopping) return;
    await waitForWritesToSettle(this.#root, paths, this.request.settleMs, () => this.#stopping);
    if (this.#stopping) return;
    const synced = await this.#tracker.syncAll(paths, this.#excluded);
    const changed = new Set(synced.changed);
    const { previous, problems } = synced;
    if (problems.length > 0) this.#emitDiagnostics(problems);
    if (changed.size === 0) {
      if (problems.length > 0 && !this.#run) this.#emitIdle();
      return;
    }
    const modules = [...(this.#plan?.inputs.values() ?? [])].flatMap((i) => i.modules);
    const configFiles = this.#configFiles;
    const configChanged = [...changed].some((c) => configFiles.includes(c));
    const before = this.#plan;
    if (configChanged || [...changed].some((c) => modules.includes(c))) {
      await this.#reloadPlan();
      for (const c of await this.#refreshWatcher()) changed.add(c);
    }
    for (const c of changed) this.#pending.add(c);
    if (this.#stopping) return;
    if (this.#planInvalid) {
      if (!this.#run) this.#emitIdle();
      return;
    }
    if (this.#run === undefined) {
      this.#startCycle();
      return;
    }
    // During a run: restart what is stale now; anything already finished needs another cycle.
    // A running stage is restarted only when its own keys of an edited params file changed. One
    // the pipeline file now defines differently can only run as newly defined in another cycle.
    if (configChanged && before !== undefined) this.#run.definitionsChanged(changedDefinitions(before, this.#plan!));
    const paramsChanged = (file: string, stage: string) =>
      !this.#paramsOnly.has(file) || selectedParamsChanged(previous.get(file), this.#tracker.fingerprintOf(file), stage);
    const inputs = [...changed].filter((c) => !configFiles.includes(c) && !this.#configFiles.includes(c));
    const followUp = this.#run.inputsChanged(affectedStages(this.#plan!, inputs, paramsChanged)) || configChanged;
    if (!followUp) for (const c of changed) this.#pending.delete(c);
  }

  async #reloadPlan(): Promise<void> {
    const { file, displayPath, selection } = this.request;
    const plan = await loadWatchPlan(file, displayPath, selection, this.#hasher);
    if (!plan.ok) {
      this.#planInvalid = true;
      this.#emitDiagnostics(plan.error.diagnostics);
      // A vars file it names may be the broken or missing one: watch it too, or its fix goes unseen.
      this.#configFiles = plan.error.configFiles;
      this.#roots = [...new Set([...this.#roots, ...plan.error.configFiles])].sort();
      return;
    }
    this.#plan = plan.value;
    this.#planInvalid = false;
    this.#configFiles = plan.value.configFiles;
    this.#roots = watchRoots(plan.value);
    this.#paramsOnly = paramsOnlyFiles(plan.value);
    this.#tracker.setFingerprinter(createFingerprinter(this.#hasher, this.#paramsOnly));
    this.#tracker.retain(this.#roots);
  }

  /** Watches the current roots; returns changes that happened while no watcher covered them. */
  async #refreshWatcher(): Promise<string[]> {
    const roots = this.#roots;
    if (this.#stopping || (this.#watcher && roots.join('\n') === this.#watchedRoots.join('\n'))) return [];
    await this.#watcher?.close();
    const previous = this.#watcher ? this.#watchedRoots : [];
    this.#watchedRoots = roots;
    this.#watcher = await startFsWatcher({
      root: this.#root,
      isWatched: (rel) => !this.#excluded(rel),
      onPath: (rel) => this.#debouncer.add(rel),
      onError: (error) => this.request.emit({ type: 'warning', time: Date.now(), message: `file watcher: ${error.message}` }),
    });
    // Newly watched paths are taken as they are; only paths watched before can have changed.
    const gaps = await this.#tracker.syncAll(roots, this.#excluded);
    return gaps.changed.filter((c) => previous.some((root) => isWithin(c, root)));
  }

  #startCycle(): void {
    const changed = [...this.#pending].sort();
    this.#pending.clear();
    const cycle = ++this.#cycle;
    this.#emitCycle('start', changed);
    const { file, displayPath, selection, jobs, keepGoing, options, graceMs } = this.request;
    const run = new WatchCycleRun(
      {
        file,
        displayPath,
        selection,
        jobs,
        keepGoing,
        options,
        graceMs,
        wait: true,
        // Otherwise the cycle's header sits there with nothing under it until that run ends.
        onWaiting: (pid) =>
          this.request.emit({ type: 'warning', time: Date.now(), message: `waiting for another dagmake run in this project (pid ${pid}) to finish...` }),
        onWaitingForCache: (message) => this.request.emit({ type: 'warning', time: Date.now(), message }),
      },
      (event) => this.request.emit(event),
    );
    this.#run = run;
    run.outcome.then(
      (outcome) => {
        if (outcome.kind === 'invalid') this.#emitDiagnostics(outcome.diagnostics);
        this.#endCycle(cycle, changed);
      },
      (error: unknown) => {
        this.request.emit({ type: 'warning', time: Date.now(), message: `cycle ${cycle} stopped: ${String(error)}` });
        this.#endCycle(cycle, changed);
      },
    );
  }

  #endCycle(cycle: number, changed: readonly string[]): void {
    this.#run = undefined;
    this.#emitCycle('end', changed, cycle);
    if (this.#stopping) this.#stopped();
    else if (this.#pending.size > 0 && !this.#planInvalid) this.#startCycle();
    else this.#emitIdle();
  }

  #emitIdle(): void {
    this.#emitCycle('idle', []);
  }

  #emitCycle(phase: 'start' | 'end' | 'idle', changed: readonly string[], cycle = this.#cycle): void {
    this.request.emit({ type: 'watch-cycle', time: Date.now(), phase, cycle, changed, watchedFiles: this.#tracker.watchedCount(this.#roots) });
  }

  #emitDiagnostics(diagnostics: readonly Diagnostic[]): void {
    this.request.emit({ type: 'diagnostics', time: Date.now(), messages: diagnostics.map(formatDiagnostic) });
  }
}
