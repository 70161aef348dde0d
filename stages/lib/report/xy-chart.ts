// A generic x/y chart (lines and/or markers) rendered to a standalone SVG string.
import { coord, escapeXml, niceTicks, PALETTE, tickLabel } from './svg.js';

export interface XyPoint {
  readonly x: number;
  readonly y: number;
  /** Marker colour override for this point. */
  readonly color?: string;
  /** Hover text. */
  readonly label?: string;
}

export interface XySeries {
  readonly name: string;
  readonly points: readonly XyPoint[];
  /** 'line' joins points, 'markers' draws dots, 'both' does both (default). */
  readonly style?: 'line' | 'markers' | 'both' | 'step';
  readonly color?: string;
}

export interface XyChartSpec {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly XySeries[];
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { left: 64, right: 150, top: 36, bottom: 48 };

export function renderXyChart(spec: XyChartSpec): string {
  const width = spec.width ?? 720;
  const height = spec.height ?? 400;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const points = spec.series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  const [xMin, xMax] = padded(points.map((p) => p.x));
  const [yMin, yMax] = padded(points.map((p) => p.y));
  const sx = (x: number) => MARGIN.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const sy = (y: number) => MARGIN.top + plotH - ((y - yMin) / (yMax - yMin)) * plotH;

  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escapeXml(spec.title)}</text>`,
  ];
  for (const t of niceTicks(yMin, yMax)) {
    parts.push(
      `<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${coord(sy(t))}" y2="${coord(sy(t))}" stroke="#e5e5e5"/>`,
      `<text x="${MARGIN.left - 6}" y="${coord(sy(t) + 4)}" text-anchor="end">${tickLabel(t)}</text>`,
    );
  }
  for (const t of niceTicks(xMin, xMax)) {
    parts.push(`<text x="${coord(sx(t))}" y="${MARGIN.top + plotH + 16}" text-anchor="middle">${tickLabel(t)}</text>`);
  }
  parts.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(spec.xLabel)}</text>`,
    `<text x="14" y="${MARGIN.top + plotH / 2}" text-anchor="middle" transform="rotate(-90 14 ${MARGIN.top + plotH / 2})">${escapeXml(spec.yLabel)}</text>`,
  );
  spec.series.forEach((series, index) => {
    const color = series.color ?? PALETTE[index % PALETTE.length]!;
    const style = series.style ?? 'both';
    const valid = series.points.filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
    if (style !== 'markers' && valid.length > 1) {
      const path = valid
        .map((p, i) => {
          const prev = valid[i - 1];
          const stepPart = style === 'step' && prev !== undefined ? `L${coord(sx(p.x))},${coord(sy(prev.y))} ` : '';
          return `${i === 0 ? 'M' : `${stepPart}L`}${coord(sx(p.x))},${coord(sy(p.y))}`;
        })
        .join(' ');
      parts.push(`<path d="${path}" fill="none" stroke="${color}" stroke-width="1.5"/>`);
    }
    if (style === 'markers' || style === 'both') {
      for (const p of valid) {
        const title = p.label === undefined ? '' : `<title>${escapeXml(p.label)}</title>`;
        parts.push(`<circle cx="${coord(sx(p.x))}" cy="${coord(sy(p.y))}" r="4" fill="${p.color ?? color}">${title}</circle>`);
      }
    }
    const ly = MARGIN.top + 12 + index * 18;
    parts.push(
      `<rect x="${width - MARGIN.right + 12}" y="${ly - 9}" width="10" height="10" fill="${color}"/>`,
      `<text x="${width - MARGIN.right + 28}" y="${ly}">${escapeXml(series.name)}</text>`,
    );
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function padded(values: readonly number[]): [number, number] {
  if (values.length === 0) return [0, 1];
  const min = Math.min(...values);
  const max = Math.max(...values);
  if (max === min) return [min - 1, max + 1];
  const pad = (max - min) * 0.05;
  return [min - pad, max + pad];
}
