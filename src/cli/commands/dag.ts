import { buildLinkedGraph } from '../../engine/prepare-run.js';
import { topologicalOrder } from '../../graph/select-stages.js';
import { loadPipeline } from '../../pipeline/load-pipeline.js';
import type { Command } from '../command.js';
import { ExitCode } from '../exit-codes.js';
import { parseCommandArgs, reportParseFailure } from '../parse-command-args.js';
import { printDiagnostics } from '../print-diagnostics.js';

const usage = `Usage: dagmake dag [--mermaid | --dot]

Prints the stage graph: an indented list by default, or Mermaid / Graphviz source.`;

const quote = (name: string) => JSON.stringify(name);

export const dagCommand: Command = {
  name: 'dag',
  usage,
  async run(args, io) {
    const parsed = parseCommandArgs<{ mermaid?: boolean; dot?: boolean }>(
      args,
      { mermaid: { type: 'boolean' }, dot: { type: 'boolean' } },
      usage,
      { takesOperands: false },
    );
    if (!parsed.ok) return reportParseFailure(parsed, io, 'dag');
    if (parsed.values.mermaid && parsed.values.dot) return reportParseFailure({ message: '--mermaid and --dot exclude each other; give one of them' }, io, 'dag');
    const pipeline = await loadPipeline(parsed.global.file, { displayPath: parsed.global.displayPath });
    if (!pipeline.ok) {
      printDiagnostics(io.stderr, pipeline.error);
      return ExitCode.usage;
    }
    const graph = await buildLinkedGraph(pipeline.value);
    if (!graph.ok) {
      printDiagnostics(io.stderr, graph.error);
      return ExitCode.usage;
    }
    const order = topologicalOrder(graph.value, new Set(graph.value.stages.keys()));
    const edges = order.flatMap((name) => [...graph.value.upstream.get(name)!].map((up) => [up, name] as const));
    const lines: string[] = [];
    if (parsed.values.mermaid) {
      const ids = new Map(order.map((name, i) => [name, `s${i}`]));
      lines.push('flowchart TD');
      for (const name of order) lines.push(`  ${ids.get(name)}[${quote(name)}]`);
      for (const [from, to] of edges) lines.push(`  ${ids.get(from)} --> ${ids.get(to)}`);
    } else if (parsed.values.dot) {
      lines.push('digraph pipeline {', '  rankdir=TB;');
      for (const name of order) lines.push(`  ${quote(name)};`);
      for (const [from, to] of edges) lines.push(`  ${quote(from)} -> ${quote(to)};`);
      lines.push('}');
    } else {
      for (const name of order) {
        const upstream = [...graph.value.upstream.get(name)!];
        lines.push(upstream.length > 0 ? `${name} ← ${upstream.join(', ')}` : name);
      }
    }
    io.stdout.write(`${lines.join('\n')}\n`);
    return ExitCode.ok;
  },
};
