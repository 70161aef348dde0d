// Rules about which keys go together, which a schema cannot phrase helpfully.
import type { Diagnostic } from '../errors.js';
import type { YamlPath, YamlSource } from './yaml-source.js';

type Keys = Readonly<Record<string, unknown>>;

/** Looks only at which keys are present, so it also runs on a stage that failed the schema. */
export function checkStageShape(name: string, entry: Keys, source: YamlSource): Diagnostic[] {
  const stagePath: YamlPath = ['stages', name];
  const { foreach, do: template, ...rest } = entry;
  if (foreach === undefined && template === undefined) return checkBody(name, rest, stagePath, source);
  const diagnostics: Diagnostic[] = [];
  if (template === undefined) {
    diagnostics.push({
      message: `stage "${name}" has "foreach" but no "do"`,
      location: source.locate([...stagePath, 'foreach'], 'key'),
      hint: 'put the stage template (cmd, deps, outs, ...) under "do:"',
    });
  } else if (foreach === undefined) {
    diagnostics.push({
      message: `stage "${name}" has "do" but no "foreach"`,
      location: source.locate([...stagePath, 'do'], 'key'),
      hint: 'add "foreach:" with the list or map to expand over',
    });
  }
  for (const key of Object.keys(rest)) {
    diagnostics.push({
      message: `key "${key}" of stage "${name}" belongs inside "do"`,
      location: source.locate([...stagePath, key], 'key'),
      hint: 'a foreach stage has only "foreach" and "do"; move the key under "do:"',
    });
  }
  if (isMap(template)) diagnostics.push(...checkBody(name, template, [...stagePath, 'do'], source));
  return diagnostics;
}

function checkBody(name: string, body: Keys, path: YamlPath, source: YamlSource): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  if (body.cmd === undefined && body.uses === undefined) {
    diagnostics.push({
      message: `stage "${name}" has neither "cmd" nor "uses"`,
      location: source.locate(path.length > 2 ? path : ['stages', name], 'key'),
      hint: 'add "cmd: <shell command>" or "uses: <stage module>.ts"',
    });
  }
  if (body.cmd !== undefined && body.uses !== undefined) {
    diagnostics.push({
      message: `stage "${name}" has both "cmd" and "uses"`,
      location: source.locate([...path, 'uses'], 'key'),
      hint: 'keep only one of them: "cmd" runs a shell command, "uses" a TypeScript stage module',
    });
  }
  if (body.with !== undefined && body.uses === undefined) {
    diagnostics.push({
      message: `stage "${name}" has "with" but no "uses"`,
      location: source.locate([...path, 'with'], 'key'),
      hint: '"with" passes values to a "uses" module; for "cmd" put them in the command or in "env"',
    });
  }
  if (Array.isArray(body.cmd) && body.cmd.length === 0) {
    diagnostics.push({
      message: `"cmd" of stage "${name}" is an empty list`,
      location: source.locate([...path, 'cmd']),
      hint: 'give at least one command',
    });
  }
  return diagnostics;
}

const isMap = (value: unknown): value is Keys => value !== null && typeof value === 'object' && !Array.isArray(value);
