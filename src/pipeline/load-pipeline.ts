// pipeline.yaml → validated, fully expanded Pipeline, or every problem found, each located.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fail, ok, type Diagnostic, type Result } from '../errors.js';
import { buildStage } from './build-stage.js';
import { checkOuts, checkReservedOuts } from './check-outs.js';
import { checkStageShape } from './check-stage-shape.js';
import { expandStage } from './expand-stage.js';
import { formatLocation } from './format-location.js';
import { loadVars } from './load-vars.js';
import { pipelineTopSchema, stageEntrySchema, STAGE_NAME_HINT, STAGE_NAME_PATTERN, varsSchema } from './pipeline-schema.js';
import { checkSchema, validPart } from './schema-issues.js';
import type { Pipeline, StageDef } from './types.js';
import { parseYamlSource } from './yaml-source.js';
import { decodeUtf8 } from '../text/strict-utf8.js';

export { pipelineJsonSchema } from './json-schema.js';

export interface LoadPipelineOptions {
  /** How diagnostics name the file (default: the path relative to the working directory). */
  readonly displayPath?: string;
  /** Told the vars files the pipeline names, also when it turns out invalid (watch mode watches them for the fix). */
  readonly onVarsFiles?: (files: readonly string[]) => void;
}

const STAGES_HINT = 'add a "stages:" map with one entry per stage, e.g. "stages: {prepare: {cmd: python prep.py}}"';

function unreadablePipeline(error: unknown, displayPath: string): Diagnostic {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return {
      message: `pipeline file "${displayPath}" not found`,
      hint: 'run inside the project (pipeline.yaml is looked for here and in the directories above), or give a pipeline file with -f',
    };
  }
  if (code === 'EISDIR') {
    return {
      message: `pipeline file "${displayPath}" is a directory`,
      hint: `give the file itself (-f ${path.posix.join(displayPath, 'pipeline.yaml')}), or run in that directory with -C`,
    };
  }
  return { message: `cannot read pipeline file "${displayPath}": ${(error as Error).message}` };
}

export async function loadPipeline(file: string, options: LoadPipelineOptions = {}): Promise<Result<Pipeline, Diagnostic[]>> {
  const displayPath = options.displayPath ?? (path.relative(process.cwd(), file) || file);
  const root = path.dirname(file);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (error) {
    return fail([unreadablePipeline(error, displayPath)]);
  }
  const text = decodeUtf8(bytes, displayPath, 'pipeline file');
  if (!text.ok) return text;

  const parsed = parseYamlSource(text.value, displayPath);
  const source = parsed.source;
  if (!source) return fail(parsed.errors);
  if (source.value === undefined || source.value === null) {
    return fail([{ message: 'pipeline file is empty', location: source.locate([]), hint: STAGES_HINT }]);
  }

  const diagnostics: Diagnostic[] = [];
  const top = checkSchema(pipelineTopSchema, source.value, [], source);
  diagnostics.push(...top.diagnostics.map((d) => (d.message === 'missing "stages"' ? { ...d, hint: STAGES_HINT } : d)));

  const rawVars = (source.value as { vars?: unknown }).vars;
  const checkedVars = rawVars === undefined ? { data: [], diagnostics: [] } : checkSchema(varsSchema, rawVars, ['vars'], source);
  const vars = await loadVars(checkedVars.data ?? [], ['vars'], root, source);
  options.onVarsFiles?.(vars.files);
  diagnostics.push(...checkedVars.diagnostics, ...vars.diagnostics);
  // Without every variable, each "${...}" would be reported as unknown: check stages only structurally.
  const canExpand = checkedVars.diagnostics.length === 0 && vars.diagnostics.length === 0;

  const stages: StageDef[] = [];
  const rawStages = top.data?.stages ?? stagesOf(source.value);
  for (const [key, rawEntry] of Object.entries(rawStages)) {
    if (!STAGE_NAME_PATTERN.test(key)) {
      diagnostics.push({
        message: `invalid stage name "${key}"`,
        location: source.locate(['stages', key], 'key'),
        hint: STAGE_NAME_HINT,
      });
      continue;
    }
    const entry = checkSchema(stageEntrySchema, rawEntry, ['stages', key], source);
    const shape = isMap(rawEntry) ? checkStageShape(key, rawEntry, source) : [];
    diagnostics.push(...entry.diagnostics, ...shape);
    const usable = entry.data ?? validPart(stageEntrySchema, rawEntry);
    if (!usable || !canExpand) continue;
    const expansion = expandStage(key, usable, vars.scope, source);
    diagnostics.push(...expansion.diagnostics);
    for (const instance of expansion.instances) {
      const built = buildStage(instance, source);
      diagnostics.push(...built.diagnostics);
      if (built.stage) stages.push(built.stage);
    }
  }

  const pipelineFile = path.relative(root, file).split(path.sep).join('/');
  diagnostics.push(...checkDuplicateNames(stages), ...checkOuts(stages), ...checkReservedOuts(stages, pipelineFile, vars.files));
  if (diagnostics.length > 0) return fail(sortAndDedupe(diagnostics, displayPath));
  return ok({ root, file, stages, varsFiles: vars.files });
}

const isMap = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The `stages:` map as written, before any expansion (empty when there is none): when the top
 * level has other problems, the stages are still worth checking on their own.
 */
export function stagesOf(value: unknown): Record<string, unknown> {
  const stages = (value as { stages?: unknown } | null)?.stages;
  return isMap(stages) ? stages : {};
}

function checkDuplicateNames(stages: readonly StageDef[]): Diagnostic[] {
  const seen = new Map<string, StageDef>();
  const diagnostics: Diagnostic[] = [];
  for (const stage of stages) {
    const first = seen.get(stage.name);
    if (!first) {
      seen.set(stage.name, stage);
      continue;
    }
    diagnostics.push({
      message: `stage "${stage.name}" is defined twice`,
      location: stage.location,
      // Expansions of one template share its place: pointing there again says nothing.
      hint:
        formatLocation(first.location) === formatLocation(stage.location)
          ? 'two of its foreach or matrix values give this name; matrix and foreach values must give distinct names'
          : `the other definition is at ${formatLocation(first.location)}; matrix and foreach values must give distinct names`,
    });
  }
  return diagnostics;
}

// Expansions repeat a template's problem once per instance; the user needs to read it once.
function sortAndDedupe(diagnostics: readonly Diagnostic[], pipelineFile: string): Diagnostic[] {
  const unique = new Map<string, Diagnostic>();
  for (const d of diagnostics) {
    const key = `${formatLocation(d.location)}|${d.message}|${d.hint ?? ''}`;
    if (!unique.has(key)) unique.set(key, d);
  }
  const rank = (d: Diagnostic): [number, string, number, number] =>
    d.location ? [d.location.file === pipelineFile ? 1 : 2, d.location.file, d.location.line, d.location.col] : [0, '', 0, 0];
  return [...unique.values()].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    for (let i = 0; i < ra.length; i++) {
      if (ra[i]! < rb[i]!) return -1;
      if (ra[i]! > rb[i]!) return 1;
    }
    return 0;
  });
}
