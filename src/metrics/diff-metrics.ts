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
  const change = roundTo(current - old, Math.max(decimalPlaces(old), decimalPlaces(current)));
  return { ...base, change, ...(old !== 0 ? { changePct: toDoublePrecision((change / Math.abs(old)) * 100) } : {}) };
}

/** Digits after the point in the shortest form of `value` (0.25 → 2, 1e-7 → 7, 1200 → 0). */
function decimalPlaces(value: number): number {
  const match = /^-?\d*(?:\.(\d+))?(?:e([+-]\d+))?$/i.exec(String(value));
  if (!match) return 0;
  return Math.max(0, (match[1]?.length ?? 0) - Number(match[2] ?? 0));
}

/**
 * The difference of two numbers with at most `places` decimals has at most that many too, so
 * rounding to them removes only binary floating-point noise: 0.3 − 0.1 is 0.2, not 0.19999999999999998.
 */
function roundTo(value: number, places: number): number {
  return places > 100 ? value : Number(value.toFixed(places));
}

/** 15 significant digits, what a double holds exactly: drops the noise of the division. */
function toDoublePrecision(value: number): number {
  return Number(value.toPrecision(15));
}

function union(first: readonly string[], second: readonly string[]): string[] {
  return [...new Set([...first, ...second])];
}
