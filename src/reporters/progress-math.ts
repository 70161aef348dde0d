// Rates and estimates shared by the plain and Ink reporters.
import { formatEta } from './describe-reason.js';

export interface ProgressSnapshot {
  readonly current: number;
  readonly total?: number;
  readonly unit?: string;
  readonly message?: string;
}

/** `3/10 epoch`, or `42 step` when the total is unknown. */
export function formatCount(progress: ProgressSnapshot): string {
  const count = progress.total !== undefined ? `${progress.current}/${progress.total}` : `${progress.current}`;
  return progress.unit ? `${count} ${progress.unit}` : count;
}

/** Units per second since `startedAt`, or undefined before there is anything to measure. */
export function ratePerSecond(current: number, startedAt: number, now: number): number | undefined {
  const elapsedMs = now - startedAt;
  if (current <= 0 || elapsedMs <= 0) return undefined;
  return (current * 1000) / elapsedMs;
}

export function remainingMs(progress: ProgressSnapshot, startedAt: number, now: number): number | undefined {
  if (progress.total === undefined || progress.current >= progress.total) return undefined;
  const rate = ratePerSecond(progress.current, startedAt, now);
  if (rate === undefined) return undefined;
  return ((progress.total - progress.current) / rate) * 1000;
}

/** `ETA 1m`, or undefined when no estimate is possible. */
export function describeEta(progress: ProgressSnapshot, startedAt: number, now: number): string | undefined {
  const left = remainingMs(progress, startedAt, now);
  return left === undefined ? undefined : `ETA ${formatEta(left)}`;
}

export function formatRate(rate: number, unit: string | undefined): string {
  const per = unit ? `${unit}/s` : '/s';
  if (rate >= 100) return `${Math.round(rate)} ${per}`;
  if (rate >= 1) return `${rate.toFixed(1)} ${per}`;
  return `${(rate * 60).toFixed(1)} ${unit ? `${unit}/min` : '/min'}`;
}
