// The line protocol shell stages use to report progress and metrics on stdout:
//   ::dagmake progress current=3 total=10 unit=epoch task=trial_3 msg=training fast
//   ::dagmake metric name=val_f1 value=0.81 step=3
// `msg=` takes the rest of the line, so messages may contain spaces and `=`.

export type ProtocolMessage =
  | {
      readonly type: 'progress';
      readonly current: number;
      readonly total?: number;
      readonly unit?: string;
      readonly message?: string;
      readonly task?: string;
    }
  | { readonly type: 'metric'; readonly name: string; readonly value: number; readonly step?: number };

const PREFIX = /^\s*::dagmake\s+(progress|metric)(?:\s+|$)/;
const MESSAGE_KEY = /(?:^|\s)msg=/;

export function parseProtocolLine(line: string): ProtocolMessage | undefined {
  const head = PREFIX.exec(line);
  if (!head) return undefined;
  const fields = parseFields(line.slice(head[0].length));
  if (!fields) return undefined;
  return head[1] === 'progress' ? toProgress(fields) : toMetric(fields);
}

function parseFields(text: string): Map<string, string> | undefined {
  const fields = new Map<string, string>();
  const messageAt = MESSAGE_KEY.exec(text);
  const pairsText = messageAt ? text.slice(0, messageAt.index) : text;
  if (messageAt) {
    const message = text.slice(messageAt.index + messageAt[0].length).trim();
    if (message) fields.set('msg', message);
  }
  for (const pair of pairsText.split(/\s+/).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return undefined;
    fields.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return fields;
}

/** A finite number, or undefined for anything else (empty, NaN, `12abc`). */
function toNumber(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function toProgress(fields: Map<string, string>): ProtocolMessage | undefined {
  const current = toNumber(fields.get('current'));
  if (current === undefined || current < 0) return undefined;
  const totalText = fields.get('total');
  const total = toNumber(totalText);
  if (totalText !== undefined && (total === undefined || total < 0)) return undefined;
  const unit = fields.get('unit') || undefined;
  const message = fields.get('msg');
  const task = fields.get('task') || undefined;
  return {
    type: 'progress',
    current,
    ...(total !== undefined && { total }),
    ...(unit !== undefined && { unit }),
    ...(message !== undefined && { message }),
    ...(task !== undefined && { task }),
  };
}

function toMetric(fields: Map<string, string>): ProtocolMessage | undefined {
  const name = fields.get('name');
  const value = toNumber(fields.get('value'));
  if (!name || value === undefined) return undefined;
  const stepText = fields.get('step');
  const step = toNumber(stepText);
  if (stepText !== undefined && step === undefined) return undefined;
  return { type: 'metric', name, value, ...(step !== undefined && { step }) };
}

export interface ProgressThrottle<T> {
  /** The update when it may be shown now; undefined when it is held back as the key's latest. */
  offer(key: string, update: T, isFinal?: boolean): T | undefined;
  /** The held-back latest update for `key`, if any (call when the stage ends), and forgets the key. */
  flush(key: string): T | undefined;
}

export interface ThrottleOptions {
  readonly intervalMs?: number;
  /** Injectable clock, so callers and tests need not sleep. */
  readonly now?: () => number;
}

/**
 * Per-key gate: passes at most one update per `intervalMs` (plus every final one, e.g.
 * current === total) and keeps the latest suppressed one so `flush` can deliver it.
 */
export function throttleProgress<T>(options: ThrottleOptions = {}): ProgressThrottle<T> {
  const intervalMs = options.intervalMs ?? 50;
  const now = options.now ?? Date.now;
  const lastPassedAt = new Map<string, number>();
  const held = new Map<string, T>();
  return {
    offer(key, update, isFinal = false) {
      const time = now();
      const last = lastPassedAt.get(key);
      if (isFinal || last === undefined || time - last >= intervalMs) {
        lastPassedAt.set(key, time);
        held.delete(key);
        return update;
      }
      held.set(key, update);
      return undefined;
    },
    flush(key) {
      const update = held.get(key);
      held.delete(key);
      lastPassedAt.delete(key);
      return update;
    },
  };
}
