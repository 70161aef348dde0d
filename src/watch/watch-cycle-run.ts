// One watch cycle: a normal run of the selected stages, plus what watch mode needs to know while
// it runs — which stages already finished — so that a change during the run restarts only the
// running stages it makes stale (or, downstream of a finished one, stops them for the next cycle)
// and leaves everything else alone.
import type { DagEvent } from '../events.js';
import { runPipeline, type RunOutcome, type RunRequest } from '../engine/run-pipeline.js';

export class WatchCycleRun {
  readonly outcome: Promise<RunOutcome>;
  readonly #handle;
  /** Stages that reached a final state in this cycle (they will not look at their inputs again). */
  readonly #finished = new Set<string>();
  /** Stages being restarted: their 'cancelled' event is not a final state. */
  readonly #restarting = new Set<string>();

  constructor(request: Omit<RunRequest, 'emit'>, emit: (event: DagEvent) => void) {
    this.#handle = runPipeline({
      ...request,
      emit: (event) => {
        if (event.type === 'stage') this.#settle(event.stage, event.status === 'cancelled');
        emit(event);
      },
    });
    this.outcome = this.#handle.outcome;
  }

  /**
   * The inputs of `stages` changed: running ones start over; those not started yet will read the
   * new inputs anyway. Returns true when some already finished, so another cycle must follow: what
   * depends on those stops now and is left to that cycle, as it would only use outputs about to be replaced.
   */
  inputsChanged(stages: readonly string[]): boolean {
    const rerun = stages.filter((s) => this.#finished.has(s));
    for (const stage of this.#handle.withdrawDownstream(rerun)) this.#restarting.add(stage);
    for (const stage of this.#handle.restart(stages.filter((s) => !this.#restarting.has(s)))) {
      this.#finished.delete(stage);
      this.#restarting.add(stage);
    }
    return rerun.length > 0;
  }

  /** The pipeline file now defines `stages` differently: they and what needs them stop, for the next cycle. */
  definitionsChanged(stages: readonly string[]): void {
    for (const stage of this.#handle.withdraw(stages)) this.#restarting.add(stage);
  }

  cancel(): void {
    this.#handle.cancel();
  }

  #settle(stage: string, cancelled: boolean): void {
    if (this.#restarting.delete(stage) && cancelled) return;
    this.#finished.add(stage);
  }
}
