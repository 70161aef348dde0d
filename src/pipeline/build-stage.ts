// One expanded stage instance → StageDef: variables resolved, paths normalised, defaults filled in.
import type { Diagnostic, SourceLocation } from '../errors.js';
import type { DepSpec, OutKind, OutSpec, ParamSpec, StageDef } from './types.js';
import type { StageInstance } from './expand-stage.js';
import { interpolateString, interpolateValue } from './interpolate.js';
import type { RawOutList } from './pipeline-schema.js';
import { normalizeProjectPath } from './project-path.js';
import type { YamlPath, YamlSource } from './yaml-source.js';

export function buildStage(instance: StageInstance, source: YamlSource): { stage?: StageDef; diagnostics: Diagnostic[] } {
  const { body, bodyPath, scope, name } = instance;
  const diagnostics: Diagnostic[] = [];
  const at = (path: YamlPath, which: 'key' | 'value' = 'value'): SourceLocation => source.locate([...bodyPath, ...path], which);

  const text = (raw: string, path: YamlPath, which: 'key' | 'value' = 'value'): string => {
    const result = interpolateString(raw, scope);
    for (const { message, hint } of result.problems) diagnostics.push({ message, hint, location: at(path, which) });
    return result.value;
  };
  const checkedPath = (expanded: string, path: YamlPath, which: 'key' | 'value' = 'value'): string | undefined => {
    const checked = normalizeProjectPath(expanded);
    if (checked.ok) return checked.path;
    diagnostics.push({ message: checked.message, hint: checked.hint, location: at(path, which) });
    return undefined;
  };
  const projectPath = (raw: string, path: YamlPath, which: 'key' | 'value' = 'value'): string | undefined => checkedPath(text(raw, path, which), path, which);

  const cmd =
    body.cmd === undefined
      ? undefined
      : typeof body.cmd === 'string'
        ? [text(body.cmd, ['cmd'])]
        : body.cmd.map((line, index) => text(line, ['cmd', index]));
  // The shell runs an empty command and succeeds, so a stage whose command went missing (an empty
  // string, or a variable that resolved to one) would seem to work.
  for (const [index, line] of (cmd ?? []).entries()) {
    if (line.trim() !== '') continue;
    diagnostics.push({
      message: `${typeof body.cmd === 'string' ? '"cmd"' : `command ${index + 1} in "cmd"`} of stage "${name}" is empty`,
      location: at(typeof body.cmd === 'string' ? ['cmd'] : ['cmd', index]),
      hint: 'write the shell command to run; a stage that is meant to do nothing can say "true"',
    });
  }

  const interpolatedWith = interpolateValue(body.with ?? {}, scope);
  for (const { message, hint, path } of interpolatedWith.problems) {
    diagnostics.push({ message, hint, location: at(['with', ...path]) });
  }

  const deps: DepSpec[] = [];
  for (const [index, raw] of (body.deps ?? []).entries()) {
    const path = projectPath(raw, ['deps', index]);
    if (path !== undefined) deps.push({ path, location: at(['deps', index]) });
  }

  const params: ParamSpec[] = [];
  for (const [index, entry] of (body.params ?? []).entries()) {
    if (typeof entry === 'string') {
      const file = projectPath(entry, ['params', index]);
      if (file !== undefined) params.push({ file, location: at(['params', index]) });
      continue;
    }
    for (const [rawFile, rawKeys] of Object.entries(entry)) {
      const file = projectPath(rawFile, ['params', index, rawFile], 'key');
      const keys = rawKeys.map((key, keyIndex) => text(key, ['params', index, rawFile, keyIndex]));
      if (file !== undefined) params.push({ file, keys, location: at(['params', index, rawFile], 'key') });
    }
  }

  const outs: OutSpec[] = [];
  const collectOuts = (list: RawOutList | undefined, field: string, kind: OutKind): void => {
    for (const [index, entry] of (list ?? []).entries()) {
      const declared: [string, YamlPath, 'key' | 'value', { persist?: boolean; cache?: boolean } | null][] =
        typeof entry === 'string'
          ? [[entry, [field, index], 'value', null]]
          : Object.entries(entry).map(([raw, options]) => [raw, [field, index, raw], 'key', options]);
      for (const [raw, path, which, options] of declared) {
        const expanded = text(raw, path, which);
        const normalized = checkedPath(expanded, path, which);
        if (normalized === '.') {
          diagnostics.push({
            message: `the project root cannot be an output of stage "${name}"`,
            location: at(path, which),
            hint: 'name the file or directory the stage writes, e.g. "outputs/model"',
          });
          continue;
        }
        if (normalized === undefined) continue;
        outs.push({
          path: normalized,
          kind,
          persist: options?.persist ?? false,
          cache: options?.cache ?? true,
          ...(expanded.endsWith('/') && { directory: true as const }),
          location: at(path, which),
        });
      }
    }
  };
  collectOuts(body.outs, 'outs', 'out');
  collectOuts(body.metrics, 'metrics', 'metric');
  collectOuts(body.plots, 'plots', 'plot');

  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(body.env ?? {})) {
    env[key] = typeof value === 'string' ? text(value, ['env', key]) : String(value);
  }

  const mutex = body.resources?.mutex;
  const stage: StageDef = {
    name,
    ...(body.desc === undefined ? {} : { desc: body.desc }),
    ...(cmd === undefined ? {} : { cmd }),
    ...(body.uses === undefined ? {} : { uses: projectPath(body.uses, ['uses']) ?? body.uses }),
    with: interpolatedWith.value as Record<string, unknown>,
    wdir: body.wdir === undefined ? '.' : (projectPath(body.wdir, ['wdir']) ?? '.'),
    deps,
    params,
    outs,
    env,
    alwaysChanged: body.always_changed ?? false,
    frozen: body.frozen ?? false,
    resume: body.resume ?? false,
    resources: {
      cpu: body.resources?.cpu ?? 1,
      mutex: mutex === undefined ? [] : typeof mutex === 'string' ? [mutex] : [...mutex],
    },
    location: instance.location,
  };
  return diagnostics.length > 0 ? { diagnostics } : { stage, diagnostics };
}
