// What watch mode must keep an eye on for one version of the pipeline: the inputs of the selected
// stages (deps nobody produces, params files, stage modules with their local imports) and the
// pipeline file with its vars files. Outputs and dagmake's own state are never inputs.
import path from 'node:path';
import type { Diagnostic, Result } from '../errors.js';
import { fail, ok } from '../errors.js';
import { buildLinkedGraph } from '../engine/prepare-run.js';
import { isWithin, type StageGraph } from '../graph/build-graph.js';
import { selectStages, type Selection } from '../graph/select-stages.js';
import { Hasher } from '../hash/hasher.js';
import { collectModuleFiles } from '../hash/module-graph.js';
import { isLockFileName } from '../lock/lock-location.js';
import { ENGINE_PATHS } from '../pipeline/check-outs.js';
import { loadPipeline } from '../pipeline/load-pipeline.js';
import type { ParamSpec, StageDef } from '../pipeline/types.js';

export interface StageInputs {
  /** Deps that no stage produces: files or directories, which may not exist yet. */
  readonly deps: readonly string[];
  readonly params: readonly ParamSpec[];
  /** The `uses:` module and its local imports. */
  readonly modules: readonly string[];
}

export interface WatchPlan {
  readonly graph: StageGraph;
  /** Selected stages in topological order. */
  readonly stages: readonly string[];
  readonly inputs: ReadonlyMap<string, StageInputs>;
  /** The pipeline file and its vars files: a change reloads the pipeline. */
  readonly configFiles: readonly string[];
  /** Every out of every stage: written by the engine, never watched. */
  readonly outs: readonly string[];
}

export interface PlanFailure {
  readonly diagnostics: Diagnostic[];
  /** The pipeline file and the vars files it names, as far as it could be read: the fix may be in any of them. */
  readonly configFiles: readonly string[];
}

export async function loadWatchPlan(
  file: string,
  displayPath: string,
  selection: Selection,
  hasher: Hasher,
): Promise<Result<WatchPlan, PlanFailure>> {
  const root = path.dirname(file);
  let varsFiles: readonly string[] = [];
  const pipeline = await loadPipeline(file, { displayPath, onVarsFiles: (files) => (varsFiles = files) });
  const configFiles = [path.relative(root, file).split(path.sep).join('/'), ...varsFiles];
  if (!pipeline.ok) return fail({ diagnostics: pipeline.error, configFiles });
  const graph = await buildLinkedGraph(pipeline.value);
  if (!graph.ok) return fail({ diagnostics: graph.error, configFiles });
  const stages = selectStages(graph.value, selection);
  if (!stages.ok) return fail({ diagnostics: stages.error, configFiles });
  const outs = pipeline.value.stages.flatMap((s) => s.outs.map((o) => o.path));
  const inputs = new Map<string, StageInputs>();
  for (const name of stages.value) {
    const stage = graph.value.stages.get(name)!;
    inputs.set(name, {
      deps: stage.deps.map((d) => d.path).filter((dep) => !outs.some((out) => isWithin(dep, out))),
      params: stage.params,
      modules: stage.uses === undefined ? [] : await moduleFiles(stage.uses, root, hasher),
    });
  }
  return ok({ graph: graph.value, stages: stages.value, inputs, configFiles, outs });
}

/** A module whose imports do not resolve still has its own file watched: fixing it is an edit there. */
async function moduleFiles(entry: string, root: string, hasher: Hasher): Promise<string[]> {
  const files = await collectModuleFiles(entry, root, hasher);
  return files.ok ? files.value : [entry];
}

/** Every watched path (file or directory), deduplicated and sorted. */
export function watchRoots(plan: WatchPlan): string[] {
  const roots = new Set(plan.configFiles);
  for (const inputs of plan.inputs.values()) {
    for (const dep of inputs.deps) roots.add(dep);
    for (const spec of inputs.params) roots.add(spec.file);
    for (const module of inputs.modules) roots.add(module);
  }
  return [...roots].sort();
}

/** Whether the watcher must look at `rel`: a watched path, something inside one, or a directory on the way to one. */
export function isOnWatchedPath(roots: readonly string[], outs: readonly string[], rel: string): boolean {
  if (rel === '' || rel === '.') return true;
  if (ENGINE_PATHS.some((own) => isWithin(rel, own)) || isLockFileName(rel) || outs.some((out) => isWithin(rel, out))) return false;
  return roots.some((root) => isWithin(rel, root) || isWithin(root, rel));
}

/**
 * The selected stages that one of the changed paths feeds. `paramsChanged` says whether the
 * values a stage selects from a changed params file differ (another stage's keys may be the edit).
 */
export function affectedStages(plan: WatchPlan, changed: readonly string[], paramsChanged: (file: string, stage: string) => boolean): string[] {
  const touches = (p: string, input: string) => isWithin(p, input) || isWithin(input, p);
  return plan.stages.filter((name) => {
    const inputs = plan.inputs.get(name)!;
    return changed.some(
      (p) =>
        inputs.deps.some((dep) => touches(p, dep)) ||
        (inputs.params.some((spec) => spec.file === p) && paramsChanged(p, name)) ||
        inputs.modules.includes(p),
    );
  });
}

/**
 * Selected stages of `before` that `after` defines differently or not at all: what they run, read,
 * write or need. Where a definition sits in the file, and its description, do not count.
 */
export function changedDefinitions(before: WatchPlan, after: WatchPlan): string[] {
  const key = (stage: StageDef | undefined) => (stage === undefined ? '' : JSON.stringify(withoutPlaces(stage)));
  return before.stages.filter((name) => key(before.graph.stages.get(name)) !== key(after.graph.stages.get(name)));
}

/** The stage without where it and its deps, params and outs sit in the file, and without its description. */
function withoutPlaces({ location: _at, desc: _desc, ...stage }: StageDef) {
  const place = <T extends { location?: unknown }>({ location: _where, ...spec }: T) => spec;
  return { ...stage, deps: stage.deps.map(place), params: stage.params.map(place), outs: stage.outs.map(place) };
}

/** Params files that are nothing else, with the specs of each stage reading them: only their selected values count, not their bytes. */
export function paramsOnlyFiles(plan: WatchPlan): Map<string, Map<string, ParamSpec[]>> {
  const specs = new Map<string, Map<string, ParamSpec[]>>();
  for (const [stage, inputs] of plan.inputs) {
    for (const spec of inputs.params) {
      const byStage = specs.get(spec.file) ?? new Map<string, ParamSpec[]>();
      byStage.set(stage, [...(byStage.get(stage) ?? []), spec]);
      specs.set(spec.file, byStage);
    }
  }
  const other = new Set(plan.configFiles);
  for (const inputs of plan.inputs.values()) for (const p of [...inputs.deps, ...inputs.modules]) other.add(p);
  for (const file of [...specs.keys()]) {
    if ([...other].some((p) => isWithin(file, p))) specs.delete(file);
  }
  return specs;
}
