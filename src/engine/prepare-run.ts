// Everything that must be right before any stage starts: a valid pipeline, an acyclic graph,
// known targets, no two outs that are one file through a symbolic link, and deps that exist or
// that some stage produces. Problems here exit 2.
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Diagnostic, Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import { buildGraph, type StageGraph } from '../graph/build-graph.js';
import { selectStages, type Selection } from '../graph/select-stages.js';
import { findPathLinks } from '../pipeline/path-links.js';
import type { Pipeline } from '../pipeline/types.js';
import { loadPipelineMemo } from './load-pipeline-memo.js';
import { outsOfOtherPipelines } from './other-pipeline-outs.js';

export interface PreparedRun {
  readonly graph: StageGraph;
  /** Selected stages in topological order. */
  readonly stages: readonly string[];
}

export async function prepareRun(
  file: string,
  displayPath: string,
  selection: Selection,
): Promise<Result<PreparedRun, Diagnostic[]>> {
  const pipeline = await loadPipelineMemo(file, displayPath);
  if (!pipeline.ok) return pipeline;
  const graph = await buildLinkedGraph(pipeline.value);
  if (!graph.ok) return graph;
  const clashes = await outsOfOtherPipelines(pipeline.value);
  if (clashes.length > 0) return fail(clashes);
  const stages = selectStages(graph.value, selection);
  if (!stages.ok) return stages;
  const missing = findUnproducedMissingDeps(graph.value, stages.value);
  if (missing.length > 0) return fail(missing);
  return ok({ graph: graph.value, stages: stages.value });
}

/** The stage graph with the edges that symbolic links add (see followLinks): what runs, `dag` and `watch` use. */
export async function buildLinkedGraph(pipeline: Pipeline): Promise<Result<StageGraph, Diagnostic[]>> {
  const built = buildGraph(pipeline);
  return built.ok ? followLinks(built.value) : built;
}

/**
 * Symbolic links inside the project can make two declared outs one file, or a dep another stage's
 * out; the pipeline file cannot show that, so it is looked for here, before every run. Without a
 * link among the parent directories of outs and deps (one lstat per distinct directory), nothing
 * more is done or loaded.
 */
async function followLinks(graph: StageGraph): Promise<Result<StageGraph, Diagnostic[]>> {
  const { root, stages, file, varsFiles } = graph.pipeline;
  const paths = stages.flatMap((s) => [...s.outs.map((o) => o.path), ...s.deps.map((d) => d.path), ...s.params.map((p) => p.file)]);
  const links = findPathLinks(root, paths);
  if (links === undefined) return ok(graph);
  const [{ checkLinkedOuts }, { addLinkedProducers }] = await Promise.all([import('../pipeline/check-outs.js'), import('./linked-producers.js')]);
  const pipelineFile = path.relative(root, file).split(path.sep).join('/');
  const overlaps = checkLinkedOuts(stages, links, pipelineFile, varsFiles);
  if (overlaps.length > 0) return fail(overlaps);
  return addLinkedProducers(graph, links);
}

/** Deps are paths taken as written; a pattern, `~` or `$VAR` (a shell habit) is never expanded. */
function shellSyntaxHint(dep: string): string | undefined {
  if (/[*?[]/.test(dep)) {
    const dir = path.posix.dirname(dep.slice(0, dep.search(/[*?[]/)) + 'x');
    return `deps are paths, not patterns: "${dep}" is not expanded; depend on the directory ${dir === '.' ? 'holding the files' : `"${dir}/"`} instead`;
  }
  if (dep.startsWith('~') || dep.includes('$')) return 'deps are paths relative to the project root, taken as written: "~" and "$VAR" are not expanded (a "${var}" from vars: is)';
  return undefined;
}

/** One `existsSync` per dep, synchronous: microseconds each, where a thread-pool round trip per dep added up. */
function findUnproducedMissingDeps(graph: StageGraph, stages: readonly string[]): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const name of stages) {
    const stage = graph.stages.get(name)!;
    for (const dep of stage.deps) {
      if (graph.producers.has(dep.path)) continue;
      if (!existsSync(path.join(graph.pipeline.root, dep.path))) {
        problems.push({
          message: `dep "${dep.path}" of stage "${name}" does not exist and no stage produces it`,
          location: dep.location,
          hint: shellSyntaxHint(dep.path) ?? 'create the file, fix the path, or add the stage that writes it to its outs',
        });
      }
    }
  }
  return problems.sort((a, b) => (a.location?.line ?? 0) - (b.location?.line ?? 0));
}
