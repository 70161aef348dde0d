// Small helpers for deterministic SVG text.

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Fixed-precision coordinates so the same data always gives the same bytes. */
export function coord(x: number): string {
  return (Math.round(x * 100) / 100).toString();
}

/** Short tick label: up to 4 significant digits, no trailing zeros. */
export function tickLabel(x: number): string {
  if (x === 0) return '0';
  return Number.parseFloat(x.toPrecision(4)).toString();
}

/** About `count` round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  if (!(max > min)) return [min];
  const raw = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * magnitude >= raw) ?? 10) * magnitude;
  const ticks: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + step * 1e-9; t += step) ticks.push(Number.parseFloat(t.toPrecision(12)));
  return ticks;
}

export const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'] as const;
