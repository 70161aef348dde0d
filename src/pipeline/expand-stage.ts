// `matrix:` and `foreach:` turn one stage entry into several stage instances, each with its own
// variables (`item`, `key`) and an expanded name (`train@bilstm-0.1`, `evaluate@a`).
import type { Diagnostic, SourceLocation } from '../errors.js';
import { interpolateValue, type Scope } from './interpolate.js';
import { describeValue, type RawStageBody, type RawStageEntry } from './pipeline-schema.js';
import type { YamlPath, YamlSource } from './yaml-source.js';

export interface StageInstance {
  readonly name: string;
  /** The stage template, without matrix/foreach. */
  readonly body: RawStageBody;
  /** YAML path of the template (the stage, or its `do:`), for locating problems. */
  readonly bodyPath: YamlPath;
  readonly scope: Scope;
  /** Position of the stage's key. */
  readonly location: SourceLocation;
}

interface Expansion {
  readonly instances: StageInstance[];
  readonly diagnostics: Diagnostic[];
}

const LABEL = /^[A-Za-z0-9_.-]+$/;

const isScalar = (value: unknown): value is string | number | boolean =>
  typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';

export function expandStage(key: string, entry: RawStageEntry, globals: Scope, source: YamlSource): Expansion {
  const stagePath: YamlPath = ['stages', key];
  const location = source.locate(stagePath, 'key');
  const diagnostics: Diagnostic[] = [];
  const { matrix, foreach, do: template, ...body } = entry;

  if (foreach !== undefined && template) {
    const scope = withStageVars(globals, undefined);
    const items = resolveCollection(foreach, scope, [...stagePath, 'foreach'], key, 'foreach', source, diagnostics);
    if (!items) return { instances: [], diagnostics };
    const instances = items.map(({ label, item, itemKey }) => ({
      name: `${key}@${label}`,
      body: template,
      bodyPath: [...stagePath, 'do'],
      scope: withStageVars({ ...globals, item, ...(itemKey === undefined ? {} : { key: itemKey }) }, template.vars),
      location,
    }));
    return { instances, diagnostics: [...diagnostics, ...badLabels(items, [...stagePath, 'foreach'], key, source)] };
  }

  const scope = withStageVars(globals, body.vars);
  if (!matrix) return { instances: [{ name: key, body, bodyPath: stagePath, scope, location }], diagnostics };

  let combinations: { labels: string[]; item: Record<string, unknown> }[] = [{ labels: [], item: {} }];
  for (const [axis, raw] of Object.entries(matrix)) {
    const axisPath = [...stagePath, 'matrix', axis];
    const values = resolveCollection(raw, scope, axisPath, key, `matrix "${axis}"`, source, diagnostics, true);
    if (!values) {
      combinations = [];
      continue;
    }
    diagnostics.push(...badLabels(values, axisPath, key, source));
    combinations = combinations.flatMap((combination) =>
      values.map(({ label, item }) => ({ labels: [...combination.labels, label], item: { ...combination.item, [axis]: item } })),
    );
  }
  const instances = combinations.map(({ labels, item }) => ({
    name: `${key}@${labels.join('-')}`,
    body,
    bodyPath: stagePath,
    scope: { ...scope, item },
    location,
  }));
  return { instances, diagnostics };
}

interface Item {
  readonly label: string;
  readonly item: unknown;
  readonly itemKey?: string;
}

function resolveCollection(
  raw: unknown,
  scope: Scope,
  path: YamlPath,
  stage: string,
  what: string,
  source: YamlSource,
  diagnostics: Diagnostic[],
  listOnly = false,
): Item[] | undefined {
  const location = source.locate(path);
  const resolved = interpolateValue(raw, scope);
  if (resolved.problems.length > 0) {
    diagnostics.push(...resolved.problems.map(({ message, hint }) => ({ message, hint, location })));
    return undefined;
  }
  const value = resolved.value;
  const isMap = value !== null && typeof value === 'object' && !Array.isArray(value);
  if (!Array.isArray(value) && (listOnly || !isMap)) {
    diagnostics.push({
      message: `${what} of stage "${stage}" must be ${listOnly ? 'a list' : 'a list or a map'}, got ${describeValue(value)}`,
      location,
    });
    return undefined;
  }
  const items: Item[] = Array.isArray(value)
    ? value.map((item, index) => ({ label: isScalar(item) ? String(item) : String(index), item }))
    : Object.entries(value as Record<string, unknown>).map(([itemKey, item]) => ({ label: itemKey, item, itemKey }));
  if (items.length === 0) {
    diagnostics.push({
      message: `${what} of stage "${stage}" is empty`,
      location,
      hint: 'give it at least one value, or remove it',
    });
    return undefined;
  }
  return items;
}

function badLabels(items: readonly Item[], path: YamlPath, stage: string, source: YamlSource): Diagnostic[] {
  return items
    .filter(({ label }) => !LABEL.test(label))
    .map(({ label }) => ({
      message: `value "${label}" cannot be part of a stage name (expanding stage "${stage}")`,
      location: source.locate(path),
      hint: 'values used in names may contain only ASCII letters, digits, "_", "." and "-"; a list of maps is named by index instead',
    }));
}

function withStageVars(scope: Scope, vars: readonly Record<string, unknown>[] | undefined): Scope {
  return Object.assign({}, scope, ...(vars ?? []));
}
