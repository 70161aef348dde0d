// A minimal SVG line chart for the training curves. Hand-written because the pipeline needs only
// a few polylines with axes, and a plotting dependency (with a DOM or canvas) would be far heavier.

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd'];
const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const finite = ([x, y]: readonly [number, number]): boolean => Number.isFinite(x) && Number.isFinite(y);

/** The stretches of consecutive finite points. */
function finiteRuns(points: Series['points']): (readonly (readonly [number, number])[])[] {
  const runs: (readonly [number, number])[][] = [[]];
  for (const point of points) {
    if (finite(point)) runs.at(-1)!.push(point);
    else if (runs.at(-1)!.length > 0) runs.push([]);
  }
  return runs.filter((run) => run.length > 0);
}

const label = (value: number): string => (Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3));

export function lineChartSvg(title: string, xLabel: string, series: readonly Series[], width = 640, height = 360): string {
  const margin = { left: 60, right: 140, top: 36, bottom: 44 };
  const points = series.flatMap((s) => s.points).filter(finite);
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const [xMin, xMax] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  const [yMin, yMax] = ys.length ? [Math.min(0, ...ys), Math.max(...ys)] : [0, 1];
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const sx = (x: number): number => margin.left + (xMax === xMin ? plotW / 2 : ((x - xMin) / (xMax - xMin)) * plotW);
  const sy = (y: number): number => margin.top + plotH - (yMax === yMin ? plotH / 2 : ((y - yMin) / (yMax - yMin)) * plotH);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14">${escape(title)}</text>`,
    `<line x1="${margin.left}" y1="${margin.top + plotH}" x2="${margin.left + plotW}" y2="${margin.top + plotH}" stroke="black"/>`,
    `<line x1="${margin.left}" y1="${margin.top}" x2="${margin.left}" y2="${margin.top + plotH}" stroke="black"/>`,
    `<text x="${margin.left + plotW / 2}" y="${height - 8}" text-anchor="middle">${escape(xLabel)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const y = yMin + ((yMax - yMin) * i) / 4;
    parts.push(`<text x="${margin.left - 6}" y="${sy(y) + 4}" text-anchor="end">${label(y)}</text>`);
    parts.push(`<line x1="${margin.left}" y1="${sy(y)}" x2="${margin.left + plotW}" y2="${sy(y)}" stroke="#ddd"/>`);
  }
  for (const x of [...new Set(xs)].sort((a, b) => a - b)) {
    parts.push(`<text x="${sx(x)}" y="${margin.top + plotH + 16}" text-anchor="middle">${label(x)}</text>`);
  }
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length] as string;
    // A NaN or infinite value (a diverged loss) has no place on the chart: the line breaks there,
    // since one NaN coordinate makes a viewer drop the whole polyline.
    for (const run of finiteRuns(s.points)) {
      const path = run.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
      if (run.length > 1) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${path}"/>`);
      for (const [x, y] of run) parts.push(`<circle cx="${sx(x).toFixed(1)}" cy="${sy(y).toFixed(1)}" r="3" fill="${color}"/>`);
    }
    const legendY = margin.top + 10 + i * 18;
    parts.push(`<rect x="${width - margin.right + 12}" y="${legendY - 9}" width="12" height="3" fill="${color}"/>`);
    parts.push(`<text x="${width - margin.right + 30}" y="${legendY - 4}">${escape(s.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
