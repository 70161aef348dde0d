// Markdown tables: medians per tool and phase, with dagmake / peer ratios.
import type { Measurement, Phase } from './scenarios.js';
import type { ToolName } from './tools.js';

const PHASE_LABEL: Record<Phase, string> = { first: 'first build', noop: 'no-op', change: 'one input changed' };

const seconds = (s: number | undefined): string => (s === undefined || Number.isNaN(s) ? '–' : `${s.toFixed(3)} s`);
const ratio = (a: number | undefined, b: number | undefined): string =>
  a === undefined || b === undefined || Number.isNaN(a) || Number.isNaN(b) || b === 0 ? '–' : `${(a / b).toFixed(2)}×`;

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map((_, i) => (i === 0 ? '---' : '---:')).join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

export function engineTable(measurements: readonly Measurement[]): string {
  const tools = [...new Set(measurements.map((m) => m.tool))];
  const peers = tools.filter((t): t is Exclude<ToolName, 'dagmake'> => t !== 'dagmake');
  const workloads = [...new Set(measurements.map((m) => m.workload))];
  const find = (w: string, t: ToolName, p: Phase) => measurements.find((m) => m.workload === w && m.tool === t && m.phase === p)?.seconds;
  const rows: string[][] = [];
  for (const w of workloads) {
    for (const phase of ['first', 'noop', 'change'] as const) {
      const own = find(w, 'dagmake', phase);
      rows.push([
        `${w} ${PHASE_LABEL[phase]}`,
        ...tools.map((t) => seconds(find(w, t, phase))),
        ...peers.map((p) => ratio(own, find(w, p, phase))),
      ]);
    }
  }
  return table(['workload', ...tools, ...peers.map((p) => `dagmake / ${p}`)], rows);
}
