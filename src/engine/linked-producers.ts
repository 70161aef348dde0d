// A dep that reaches another stage's out through a symbolic link (`alias/x.txt` read, `real/x.txt`
// written, alias -> real) needs that stage to run first, as a dep naming the out directly does.
import type { Diagnostic, Result } from '../errors.js';
import { ok } from '../errors.js';
import { buildGraph, type StageGraph } from '../graph/build-graph.js';
import { overlappingPaths } from '../graph/overlapping-paths.js';
import type { PathLinks } from '../pipeline/path-links.js';
import type { DepSpec, StageDef } from '../pipeline/types.js';

interface RealOut {
  readonly stage: string;
  readonly path: string;
}

/** The graph with those edges added; the same graph when there are none. */
export function addLinkedProducers(graph: StageGraph, links: PathLinks): Result<StageGraph, Diagnostic[]> {
  const outs = new Map<string, RealOut>();
  for (const stage of graph.pipeline.stages) {
    for (const out of stage.outs) outs.set(links.resolve(out.path).real, { stage: stage.name, path: out.path });
  }
  const sorted = [...outs.keys()].sort();
  const extraDeps = new Map<string, DepSpec[]>();
  const producers = new Map<string, string>();
  for (const stage of graph.pipeline.stages) {
    const upstream = graph.upstream.get(stage.name)!;
    const read = [...stage.deps, ...stage.params.map((p) => ({ path: p.file, location: p.location }))];
    for (const dep of read) {
      for (const out of overlappingPaths(links.resolve(dep.path).real, outs, sorted)) {
        if (out.stage === stage.name || upstream.has(out.stage)) continue;
        // The out's own path as a dep makes buildGraph draw the edge and check for cycles.
        extraDeps.set(stage.name, [...(extraDeps.get(stage.name) ?? []), { path: out.path, ...(dep.location && { location: dep.location }) }]);
        producers.set(dep.path, out.stage);
      }
    }
  }
  if (extraDeps.size === 0) return ok(graph);
  const pipeline = graph.pipeline;
  const widened = buildGraph({ ...pipeline, stages: pipeline.stages.map((s): StageDef => withDeps(s, extraDeps.get(s.name))) });
  if (!widened.ok) return widened;
  // The stages keep their declared deps: those are what gets hashed and recorded.
  return ok({ ...widened.value, pipeline, stages: graph.stages, producers: new Map([...widened.value.producers, ...producers]) });
}

const withDeps = (stage: StageDef, extra: readonly DepSpec[] | undefined): StageDef =>
  extra === undefined ? stage : { ...stage, deps: [...stage.deps, ...extra] };
