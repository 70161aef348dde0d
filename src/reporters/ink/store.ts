// Batches events between renders: the reducer runs on every event, but subscribers (React)
// hear about it at most once per `intervalMs`, so a flood of progress events stays cheap.
import type { DagEvent } from '../../events.js';
import { dropWritten, initialState, reduce, type InkState } from './state.js';

export type Schedule = (run: () => void, delayMs: number) => () => void;

export interface InkStoreOptions {
  readonly intervalMs?: number;
  readonly now?: () => number;
  readonly schedule?: Schedule;
}

export interface InkStore {
  dispatch(event: DagEvent): void;
  /** Publishes pending changes now (e.g. before unmounting). */
  flush(): void;
  /** The view wrote the finished entries before `upTo` to the scrollback: they need not be kept. */
  written(upTo: number): void;
  /** The last published state: stable between publishes, as useSyncExternalStore requires. */
  getSnapshot(): InkState;
  subscribe(listener: () => void): () => void;
  /** How many times subscribers were notified. */
  readonly publishCount: number;
}

const defaultSchedule: Schedule = (run, delayMs) => {
  const timer = setTimeout(run, delayMs);
  return () => clearTimeout(timer);
};

export function createInkStore(options: InkStoreOptions = {}): InkStore {
  const intervalMs = options.intervalMs ?? 50;
  const now = options.now ?? Date.now;
  const schedule = options.schedule ?? defaultSchedule;
  const listeners = new Set<() => void>();
  let latest = initialState;
  let published = initialState;
  let lastPublishAt = Number.NEGATIVE_INFINITY;
  let scheduled = false;
  let cancelPending: (() => void) | undefined;
  let publishCount = 0;

  const publish = (): void => {
    scheduled = false;
    cancelPending?.();
    cancelPending = undefined;
    if (published === latest) return;
    published = latest;
    lastPublishAt = now();
    publishCount += 1;
    for (const listener of listeners) listener();
  };

  return {
    dispatch(event) {
      latest = reduce(latest, event);
      if (scheduled) return;
      scheduled = true;
      const cancel = schedule(publish, Math.max(0, lastPublishAt + intervalMs - now()));
      if (scheduled) cancelPending = cancel;
    },
    flush: publish,
    written(upTo) {
      const current = published === latest;
      latest = dropWritten(latest, upTo);
      const next = current ? latest : dropWritten(published, upTo);
      if (next === published) return;
      // The view must let go of the dropped entries too, not hold them until the next event.
      published = next;
      for (const listener of listeners) listener();
    },
    getSnapshot: () => published,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get publishCount() {
      return publishCount;
    },
  };
}
