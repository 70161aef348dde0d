// Stages are joined by paths: a stage depends on the stage whose out is its dep, contains its
// dep (a file inside an out directory), or lies inside its dep (a directory holding an out).
import type { Diagnostic, Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import { formatLocation } from '../pipeline/format-location.js';
import type { Pipeline, StageDef } from '../pipeline/types.js';
import { overlappingPaths } from './overlapping-paths.js';

export interface StageGraph {
  readonly pipeline: Pipeline;
  /** Stages by name, in file order. */
  readonly stages: ReadonlyMap<string, StageDef>;
  /** stage → the stages it depends on (upstream). */
  readonly upstream: ReadonlyMap<string, ReadonlySet<string>>;
  /** stage → the stages that depend on it (downstream). */
  readonly downstream: ReadonlyMap<string, ReadonlySet<string>>;
  /** dep or params file path → producing stage, for every one that some stage produces. */
  readonly producers: ReadonlyMap<string, string>;
  /** Position of each stage in file order, for stable scheduling. */
  readonly order: ReadonlyMap<string, number>;
}

export const isWithin = (inner: string, outer: string): boolean =>
  outer === '.' || inner === outer || inner.startsWith(`${outer}/`);

/** Index of outs for prefix lookups: deps are matched against every ancestor path. */
function indexOuts(stages: readonly StageDef[]): Map<string, string> {
  const byOut = new Map<string, string>();
  for (const stage of stages) for (const out of stage.outs) byOut.set(out.path, stage.name);
  return byOut;
}

function findProducers(dep: string, byOut: ReadonlyMap<string, string>, outsSorted: readonly string[]): string[] {
  return [...new Set(overlappingPaths(dep, byOut, outsSorted))];
}

export function buildGraph(pipeline: Pipeline): Result<StageGraph, Diagnostic[]> {
  const stages = new Map(pipeline.stages.map((s) => [s.name, s] as const));
  const order = new Map(pipeline.stages.map((s, i) => [s.name, i] as const));
  const byOut = indexOuts(pipeline.stages);
  const outsSorted = [...byOut.keys()].sort();
  const upstream = new Map<string, Set<string>>();
  const downstream = new Map<string, Set<string>>();
  const producers = new Map<string, string>();
  for (const stage of pipeline.stages) {
    upstream.set(stage.name, new Set());
    downstream.set(stage.name, new Set());
  }
  const selfDeps: Diagnostic[] = [];
  for (const stage of pipeline.stages) {
    for (const dep of stage.deps) {
      for (const producer of findProducers(dep.path, byOut, outsSorted)) {
        if (producer === stage.name) {
          const own = stage.outs.find((o) => !o.persist && (isWithin(dep.path, o.path) || isWithin(o.path, dep.path)));
          if (own) selfDeps.push(selfDepDiagnostic(stage.name, dep, own.path));
          continue;
        }
        producers.set(dep.path, producer);
        upstream.get(stage.name)!.add(producer);
        downstream.get(producer)!.add(stage.name);
      }
    }
    // A params file another stage writes is read like a dep: that stage runs first. (A stage's
    // own params file among its outs is refused by the outs check.)
    for (const spec of stage.params) {
      for (const producer of findProducers(spec.file, byOut, outsSorted)) {
        if (producer === stage.name) continue;
        producers.set(spec.file, producer);
        upstream.get(stage.name)!.add(producer);
        downstream.get(producer)!.add(stage.name);
      }
    }
  }
  if (selfDeps.length > 0) return fail(selfDeps);
  const graph: StageGraph = { pipeline, stages, upstream, downstream, producers, order };
  const cycle = findCycle(graph);
  if (cycle) return fail([cycleDiagnostic(cycle, stages, byOut, outsSorted)]);
  return ok(graph);
}

/**
 * Names the dep (or params file) behind each edge of the cycle, with its place: one of them is the
 * mistake, and the stage names alone do not say which lines to look at.
 */
function cycleDiagnostic(
  cycle: readonly string[],
  stages: ReadonlyMap<string, StageDef>,
  byOut: ReadonlyMap<string, string>,
  outsSorted: readonly string[],
): Diagnostic {
  const links = cycle.slice(1).map((reader, index) => {
    const writer = cycle[index]!;
    const stage = stages.get(reader)!;
    const inputs = [...stage.deps.map((d) => ({ path: d.path, location: d.location })), ...stage.params.map((p) => ({ path: p.file, location: p.location }))];
    const input = inputs.find((i) => findProducers(i.path, byOut, outsSorted).includes(writer));
    return { reader, writer, input };
  });
  const first = links.find((link) => link.input?.location !== undefined);
  const described = links.map(({ reader, writer, input }) =>
    input ? `${reader} reads "${input.path}" (${formatLocation(input.location)}), written by ${writer}` : `${reader} needs ${writer}`,
  );
  return {
    message: `dependency cycle: ${cycle.join(' → ')}`,
    location: first?.input?.location ?? stages.get(cycle[0]!)!.location,
    hint: `${described.join('; ')}. A stage cannot depend, directly or through others, on its own outputs; remove one of these deps`,
  };
}

/** Iterative DFS (pipelines can be thousands of stages deep); returns the cycle path or undefined. */
function findCycle(graph: Pick<StageGraph, 'stages' | 'upstream'>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  for (const start of graph.stages.keys()) {
    if (state.has(start)) continue;
    const stack: { name: string; next: Iterator<string> }[] = [
      { name: start, next: graph.upstream.get(start)!.values() },
    ];
    state.set(start, 'visiting');
    while (stack.length > 0) {
      const top = stack[stack.length - 1]!;
      const step = top.next.next();
      if (step.done) {
        state.set(top.name, 'done');
        stack.pop();
        continue;
      }
      const child = step.value;
      const seen = state.get(child);
      if (seen === 'visiting') {
        const path = stack.map((f) => f.name);
        const cycle = path.slice(path.indexOf(child));
        // Upstream edges point against execution order; print in execution order: a → b means b needs a.
        return [...cycle.reverse(), cycle[0]!];
      }
      if (seen === undefined) {
        state.set(child, 'visiting');
        stack.push({ name: child, next: graph.upstream.get(child)!.values() });
      }
    }
  }
  return undefined;
}

function selfDepDiagnostic(stage: string, dep: StageDef['deps'][number], out: string): Diagnostic {
  const how = dep.path === out ? 'is also its out' : isWithin(dep.path, out) ? `is inside its out "${out}"` : `contains its out "${out}"`;
  return {
    message: `dep "${dep.path}" of stage "${stage}" ${how}`,
    location: dep.location,
    hint: 'outs are removed before their stage runs, so it cannot read them; drop the dep, or mark the out "persist: true" if the stage updates it in place',
  };
}
