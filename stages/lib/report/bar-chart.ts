// Horizontal bar chart (e.g. parameter importances) as a standalone SVG string.
import { coord, escapeXml, PALETTE, tickLabel } from './svg.js';

export interface Bar {
  readonly label: string;
  readonly value: number;
}

export interface BarChartSpec {
  readonly title: string;
  readonly bars: readonly Bar[];
  readonly width?: number;
}

export function renderBarChart(spec: BarChartSpec): string {
  const width = spec.width ?? 560;
  const rowH = 26;
  const left = 150;
  const right = 60;
  const top = 36;
  const height = top + spec.bars.length * rowH + 16;
  const max = Math.max(0, ...spec.bars.map((b) => b.value));
  const scale = (v: number) => (max > 0 ? (Math.max(0, v) / max) * (width - left - right) : 0);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(spec.title)}</text>`,
  ];
  spec.bars.forEach((bar, i) => {
    const y = top + i * rowH;
    parts.push(
      `<text x="${left - 8}" y="${y + 15}" text-anchor="end">${escapeXml(bar.label)}</text>`,
      `<rect x="${left}" y="${y + 4}" width="${coord(scale(bar.value))}" height="${rowH - 8}" fill="${PALETTE[0]}"/>`,
      `<text x="${coord(left + scale(bar.value) + 6)}" y="${y + 15}">${tickLabel(bar.value)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
