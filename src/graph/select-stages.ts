import type { Diagnostic, Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import { closestMatch } from '../text/suggest.js';
import type { StageGraph } from './build-graph.js';

export interface Selection {
  readonly targets: readonly string[];
  /** Include the stages that depend on the targets. */
  readonly downstream: boolean;
  /** Only the targets themselves, not what they need. */
  readonly single: boolean;
}

/**
 * Resolves targets to a set of stages in topological (then file) order. A target may name an
 * expanded stage (`train@bilstm`) or a matrix/foreach group (`train` selects every `train@...`).
 */
/** The expansions of a matrix/foreach stage `group` (`train` → every `train@...`) among `names`. */
export function expansionsOf(group: string, names: Iterable<string>): string[] {
  return [...names].filter((name) => name.startsWith(`${group}@`));
}

export function selectStages(graph: StageGraph, selection: Selection): Result<string[], Diagnostic[]> {
  const roots = new Set<string>();
  const problems: Diagnostic[] = [];
  for (const target of selection.targets) {
    const matches = graph.stages.has(target)
      ? [target]
      : expansionsOf(target, graph.stages.keys());
    if (matches.length === 0) {
      const closest = closestMatch(target, [...graph.stages.keys()]);
      problems.push({
        message: `unknown stage "${target}"`,
        hint: closest ? `did you mean "${closest}"?` : `run "dagmake dag" to list the stages`,
      });
    }
    for (const name of matches) roots.add(name);
  }
  if (problems.length > 0) return fail(problems);
  const chosen = selection.targets.length === 0 ? new Set(graph.stages.keys()) : new Set(roots);
  if (!selection.single && selection.targets.length > 0) walk(chosen, graph.upstream);
  if (selection.downstream) walk(chosen, graph.downstream);
  return ok(topologicalOrder(graph, chosen));
}

function walk(set: Set<string>, edges: ReadonlyMap<string, ReadonlySet<string>>): void {
  const queue = [...set];
  while (queue.length > 0) {
    const name = queue.pop()!;
    for (const next of edges.get(name) ?? []) {
      if (!set.has(next)) {
        set.add(next);
        queue.push(next);
      }
    }
  }
}

/** Kahn's algorithm, ties broken by file order so output is stable. */
export function topologicalOrder(graph: StageGraph, subset: ReadonlySet<string>): string[] {
  const remaining = new Map<string, number>();
  for (const name of subset) {
    let count = 0;
    for (const up of graph.upstream.get(name)!) if (subset.has(up)) count++;
    remaining.set(name, count);
  }
  const byOrder = (a: string, b: string) => graph.order.get(a)! - graph.order.get(b)!;
  const ready = [...subset].filter((n) => remaining.get(n) === 0).sort(byOrder);
  const result: string[] = [];
  while (ready.length > 0) {
    const name = ready.shift()!;
    result.push(name);
    const unlocked: string[] = [];
    for (const down of graph.downstream.get(name)!) {
      if (!subset.has(down)) continue;
      const left = remaining.get(down)! - 1;
      remaining.set(down, left);
      if (left === 0) unlocked.push(down);
    }
    if (unlocked.length > 0) {
      ready.push(...unlocked);
      ready.sort(byOrder);
    }
  }
  return result;
}
