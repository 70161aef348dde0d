// Old metrics against new, key by key.
import type { MetricsByPath } from './collect-metrics.js';
import type { MetricValue } from './flatten-metrics.js';

export interface MetricChange {
  readonly path: string;
  readonly key: string;
  /** Absent: the key is new. */
  readonly old?: MetricValue;
  /** Absent: the key is gone. */
  readonly new?: MetricValue;
  /** new − old, when both are numbers. */
  readonly change?: number;
  /** The change in percent of |old|, when both are numbers and old is not 0. */
  readonly changePct?: number;
}

export interface DiffOptions {
  /** Also list the keys whose value did not change. */
  readonly all: boolean;
}

/** Paths in the new order (then paths only the old side has); keys likewise within each path. */
export function diffMetrics(old: MetricsByPath, current: MetricsByPath, options: DiffOptions): MetricChange[] {
  const changes: MetricChange[] = [];
  for (const file of union(Object.keys(current), Object.keys(old))) {
    const before = old[file] ?? {};
    const after = current[file] ?? {};
    for (const key of union(Object.keys(after), Object.keys(before))) {
      const change = compareValue(file, key, before, after);
      const unchanged = change.old !== undefined && change.new !== undefined && change.old === change.new;
      if (options.all || !unchanged) changes.push(change);
    }
  }
  return changes;
}

function compareValue(
  file: string,
  key: string,
  before: Readonly<Record<string, MetricValue>>,
  after: Readonly<Record<string, MetricValue>>,
): MetricChange {
  const old = Object.hasOwn(before, key) ? before[key] : undefined;
  const current = Object.hasOwn(after, key) ? after[key] : undefined;
  const base = { path: file, key, ...(old !== undefined ? { old } : {}), ...(current !== undefined ? { new: current } : {}) };
  if (typeof old !== 'number' || typeof current !== 'number') return base;
  const change = current - old;
  return { ...base, change, ...(old !== 0 ? { changePct: (change / Math.abs(old)) * 100 } : {}) };
}

function union(first: readonly string[], second: readonly string[]): string[] {
  return [...new Set([...first, ...second])];
}
