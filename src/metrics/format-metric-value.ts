// How metric values and changes read in tables: short numbers, no float noise.
import type { MetricValue } from './flatten-metrics.js';

const SIGNIFICANT_DIGITS = 6;

/** Integers as they are; other numbers rounded to 6 significant digits, trailing zeros dropped. */
export function formatNumber(value: number, digits = SIGNIFICANT_DIGITS): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  return String(Number(value.toPrecision(digits)));
}

export function formatMetricValue(value: MetricValue | undefined): string {
  if (value === undefined) return '-';
  if (typeof value === 'number') return formatNumber(value);
  return String(value);
}

/** `+0.0123 (+1.54%)`, `-2`, or `-` when the values are not both numbers. */
export function formatChange(change: number | undefined, changePct: number | undefined): string {
  if (change === undefined) return '-';
  const absolute = signed(formatNumber(change), change);
  if (changePct === undefined) return absolute;
  return `${absolute} (${signed(formatNumber(changePct, 3), changePct)}%)`;
}

function signed(text: string, value: number): string {
  return value > 0 ? `+${text}` : text;
}
