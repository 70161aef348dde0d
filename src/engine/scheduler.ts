// Runs stages as soon as their upstream stages finish, within `jobs` CPU slots and named mutex
// groups. Fail-fast by default: after a failure nothing new starts, and stages already running
// are allowed to finish (their results are kept). With keepGoing, everything not downstream of a
// failure still runs.
//
// A stage holds its CPU slots only while its process runs: checking whether it is up to date,
// restoring it and committing its outputs are mostly waiting on the file system, so they overlap
// with other stages' processes instead of idling a slot. A few stages beyond the slots are
// launched ahead; more lookahead only adds main-thread work that competes with dispatching the
// next process (measured: 1,000 trivial stages, 16 ahead was 5% slower than 4, 64 was 15%).
import type { StageGraph } from '../graph/build-graph.js';

export type StageOutcome = 'ok' | 'failed' | 'cancelled';

/** Waits for the stage's CPU slots and mutex groups; undefined when the run stopped first. */
/**
 * Resolves with the function that frees the slots once they are granted (undefined when the run
 * stopped first). Freeing them with `failed` stops a fail-fast run before the slots can go to
 * another stage.
 */
export type AcquireSlots = () => Promise<((failed?: boolean) => void) | undefined>;

/** What a stage reports when it never got its slots because the run stopped. */
export const NOT_STARTED = 'not-started';

export interface ScheduledWork {
  readonly done: Promise<StageOutcome | typeof NOT_STARTED>;
  /** Ask the work to stop (SIGTERM); with force, kill it now (SIGKILL). */
  cancel(force: boolean): void;
}

export interface SchedulerOptions {
  readonly graph: StageGraph;
  /** Selected stages in topological order. */
  readonly stages: readonly string[];
  readonly jobs: number;
  readonly keepGoing: boolean;
  /** Seconds between SIGTERM and SIGKILL on the first cancel. */
  readonly graceMs: number;
  start(stage: string, acquireSlots: AcquireSlots): ScheduledWork;
  /**
   * A stage that will not run. Without `stopped`: it needs upstream stages (named in `because`)
   * that failed, were cancelled or were skipped for that, whether or not the run went on. With
   * `stopped`, it needs none of them and the run stopped before it started: after the failures
   * in `because` (fail-fast), or on cancel.
   */
  skip(stage: string, because: readonly string[], stopped?: 'failure' | 'cancel'): void;
}

export interface SchedulerResult {
  readonly outcomes: ReadonlyMap<string, StageOutcome | 'skipped'>;
  readonly cancelled: boolean;
}

export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #running = new Map<string, ScheduledWork>();
  readonly #outcomes = new Map<string, StageOutcome | 'skipped'>();
  readonly #heldMutexes = new Set<string>();
  /** Running stages to queue again once they stop (their inputs changed while they ran). */
  readonly #restarting = new Set<string>();
  /** Stages taken out of this run by withdraw(): they run in a later one. */
  readonly #withdrawn = new Set<string>();
  /** Skipped stages that needed a failed or cancelled stage, as opposed to held back by a stop. */
  readonly #skippedForUpstream = new Set<string>();
  #pending: string[] = [];
  #freeSlots: number;
  readonly #waitingForSlots: { stage: string; grant: (release: ((failed?: boolean) => void) | undefined) => void }[] = [];
  /** Stages launched but unfinished, whether running a process or checking and committing. */
  #launched = 0;
  readonly #launchLimit: number;
  #stopped = false;
  #cancelled = false;
  #killTimer: NodeJS.Timeout | undefined;
  #wake: (() => void) | undefined;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#freeSlots = Math.max(1, options.jobs);
    this.#launchLimit = 2 * Math.max(1, options.jobs) + 2;
  }

  /** First call: stop scheduling and SIGTERM running stages, SIGKILL after the grace period. Second: SIGKILL now. */
  cancel(): void {
    const force = this.#cancelled;
    this.#cancelled = true;
    this.#stopped = true;
    this.#grantSlots();
    for (const work of this.#running.values()) work.cancel(force);
    if (!force && this.#running.size > 0) {
      this.#killTimer = setTimeout(() => {
        for (const work of this.#running.values()) work.cancel(true);
      }, this.#options.graceMs);
      this.#killTimer.unref();
    }
    this.#wake?.();
  }

  /**
   * Terminates the named stages that are running now and queues them again: they start over
   * with fresh inputs, and what waits on them keeps waiting. Returns the stages it restarted.
   */
  restart(stages: readonly string[]): string[] {
    if (this.#stopped) return [];
    const restarted: string[] = [];
    for (const stage of stages) {
      const work = this.#running.get(stage);
      if (work === undefined || this.#restarting.has(stage) || this.#withdrawn.has(stage)) continue;
      this.#restarting.add(stage);
      restarted.push(stage);
      this.#terminate(stage, work);
    }
    return restarted;
  }

  /**
   * Everything downstream of the named (finished) stages, which will run again in a later run:
   * see withdraw(). Returns the stages it terminated.
   */
  withdrawDownstream(stages: readonly string[]): string[] {
    return this.withdraw(stages.flatMap((stage) => [...(this.#options.graph.downstream.get(stage) ?? [])]));
  }

  /**
   * Takes the named stages and everything downstream of them out of this run, to run in a later
   * one: running stages are terminated, queued ones dropped, so that none of them goes on with
   * inputs or a definition about to be replaced. Finished ones stay as they are. Returns the stages it terminated.
   */
  withdraw(stages: readonly string[]): string[] {
    if (this.#stopped) return [];
    const selected = new Set(this.#options.stages);
    const cone = new Set<string>();
    const visit = (stage: string) => {
      if (!selected.has(stage) || cone.has(stage)) return;
      cone.add(stage);
      for (const down of this.#options.graph.downstream.get(stage) ?? []) visit(down);
    };
    stages.forEach(visit);
    // In place: run() holds this array.
    for (let i = this.#pending.length - 1; i >= 0; i--) if (cone.has(this.#pending[i]!)) this.#pending.splice(i, 1);
    const terminated: string[] = [];
    for (const stage of cone) {
      const work = this.#running.get(stage);
      if (work === undefined || this.#withdrawn.has(stage)) continue;
      this.#withdrawn.add(stage);
      terminated.push(stage);
      // Already terminated to restart: it must not be queued again when it stops.
      if (!this.#restarting.delete(stage)) this.#terminate(stage, work);
    }
    this.#wake?.();
    return terminated;
  }

  /** Whether the stage was terminated to run again, in this run (restart) or a later one (withdrawn). */
  isRestarting(stage: string): boolean {
    return (this.#restarting.has(stage) || this.#withdrawn.has(stage)) && !this.#stopped;
  }

  #terminate(stage: string, work: ScheduledWork): void {
    work.cancel(false);
    setTimeout(() => {
      if (this.#running.get(stage) === work) work.cancel(true);
    }, this.#options.graceMs).unref();
  }

  async run(): Promise<SchedulerResult> {
    const { graph, stages } = this.#options;
    const selected = new Set(stages);
    const pending = (this.#pending = [...stages]);
    while (pending.length > 0 || this.#running.size > 0) {
      if (!this.#stopped) {
        for (let i = 0; i < pending.length; ) {
          const stage = pending[i]!;
          const blockers = this.#blockers(stage, selected);
          if (blockers === 'wait') {
            i++;
            continue;
          }
          if (blockers.length > 0) {
            pending.splice(i, 1);
            this.#finish(stage, 'skipped');
            this.#skipForUpstream(stage, blockers);
            continue;
          }
          if (this.#launched >= this.#launchLimit) break;
          pending.splice(i, 1);
          this.#launch(stage);
        }
      }
      // Skipping the last pending stages can leave nothing to wait for.
      if (this.#running.size === 0 && (this.#stopped || pending.length === 0)) break;
      if (this.#running.size === 0 && pending.length > 0 && !this.#stopped) {
        throw new Error(`Internal error: scheduler stalled with ${pending.join(', ')} pending`);
      }
      await new Promise<void>((resolve) => (this.#wake = resolve));
    }
    if (this.#killTimer) clearTimeout(this.#killTimer);
    this.#skipNotStarted(new Set(pending), selected);
    return { outcomes: this.#outcomes, cancelled: this.#cancelled };
  }

  /**
   * The stages left when the run stopped. After a failure, one that needs a stage that failed (or
   * was skipped for that) is skipped for its upstream, as --keep-going would skip it; only the
   * others were held back by the stop itself.
   */
  #skipNotStarted(notStarted: ReadonlySet<string>, selected: ReadonlySet<string>): void {
    const failed = [...this.#outcomes].filter(([, o]) => o === 'failed').map(([s]) => s);
    // In topological order, so a stage's upstream is decided before the stage.
    for (const stage of this.#options.stages) {
      if (!notStarted.has(stage)) continue;
      const blockers = this.#cancelled ? [] : this.#failedUpstream(stage, selected);
      this.#finish(stage, 'skipped');
      if (this.#cancelled) this.#options.skip(stage, [], 'cancel');
      else if (blockers.length > 0) this.#skipForUpstream(stage, blockers);
      else this.#options.skip(stage, failed, 'failure');
    }
  }

  /** Upstream stages that failed, were cancelled, or were skipped because of such a stage. */
  #failedUpstream(stage: string, selected: ReadonlySet<string>): string[] {
    return [...(this.#options.graph.upstream.get(stage) ?? [])].filter((up) => {
      if (!selected.has(up)) return false;
      const outcome = this.#outcomes.get(up);
      return outcome === 'failed' || outcome === 'cancelled' || this.#skippedForUpstream.has(up);
    });
  }

  #skipForUpstream(stage: string, blockers: readonly string[]): void {
    this.#skippedForUpstream.add(stage);
    this.#options.skip(stage, blockers);
  }

  /** 'wait' while an upstream stage is unfinished; else the upstream stages that did not succeed. */
  #blockers(stage: string, selected: ReadonlySet<string>): string[] | 'wait' {
    const blockers: string[] = [];
    for (const up of this.#options.graph.upstream.get(stage) ?? []) {
      if (!selected.has(up)) continue;
      const outcome = this.#outcomes.get(up);
      if (outcome === undefined) return 'wait';
      if (outcome !== 'ok') blockers.push(up);
    }
    return blockers;
  }

  #cost(stage: string): number {
    const cpu = this.#options.graph.stages.get(stage)?.resources.cpu ?? 1;
    return Math.min(Math.max(1, cpu), Math.max(1, this.#options.jobs));
  }

  #fits(stage: string): boolean {
    const mutex = this.#options.graph.stages.get(stage)?.resources.mutex ?? [];
    return this.#cost(stage) <= this.#freeSlots && mutex.every((m) => !this.#heldMutexes.has(m));
  }

  #launch(stage: string): void {
    this.#launched++;
    const work = this.#options.start(stage, () => this.#acquireSlots(stage));
    this.#running.set(stage, work);
    work.done
      .catch((): StageOutcome => 'failed')
      .then((outcome) => {
        this.#running.delete(stage);
        this.#launched--;
        if (this.#withdrawn.has(stage) && !this.#stopped) {
          this.#wake?.();
          return;
        }
        if (this.#restarting.delete(stage) && !this.#stopped) {
          this.#pending.unshift(stage);
          this.#wake?.();
          return;
        }
        if (outcome === NOT_STARTED) {
          // The run stopped while it waited for a slot: it is reported with the stages never launched.
          this.#pending.push(stage);
        } else {
          this.#finish(stage, outcome);
          if (outcome === 'failed' && !this.#options.keepGoing) {
            this.#stopped = true;
            this.#grantSlots();
          }
        }
        this.#wake?.();
      });
  }

  #acquireSlots(stage: string): Promise<((failed?: boolean) => void) | undefined> {
    return new Promise((grant) => {
      this.#waitingForSlots.push({ stage, grant });
      this.#grantSlots();
    });
  }

  /** Grants waiting stages their slots in launch order; after a stop, refuses them all. */
  #grantSlots(): void {
    for (let i = 0; i < this.#waitingForSlots.length; ) {
      const waiting = this.#waitingForSlots[i]!;
      if (this.#stopped) {
        this.#waitingForSlots.splice(i, 1);
        waiting.grant(undefined);
        continue;
      }
      if (!this.#fits(waiting.stage)) {
        i++;
        continue;
      }
      this.#waitingForSlots.splice(i, 1);
      const cost = this.#cost(waiting.stage);
      const mutex = this.#options.graph.stages.get(waiting.stage)?.resources.mutex ?? [];
      this.#freeSlots -= cost;
      for (const m of mutex) this.#heldMutexes.add(m);
      let held = true;
      waiting.grant((failed) => {
        if (!held) return;
        held = false;
        this.#freeSlots += cost;
        for (const m of mutex) this.#heldMutexes.delete(m);
        if (failed && !this.#options.keepGoing) this.#stopped = true;
        this.#grantSlots();
      });
    }
  }

  #finish(stage: string, outcome: StageOutcome | 'skipped'): void {
    this.#outcomes.set(stage, outcome);
  }
}
