// `vars:` — inline maps and project-relative YAML/JSON files whose top-level keys become variables.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../errors.js';
import type { Scope } from './interpolate.js';
import type { RawVars } from './pipeline-schema.js';
import { describeValue } from './pipeline-schema.js';
import { normalizeProjectPath } from './project-path.js';
import { parseYamlSource, type YamlPath, type YamlSource } from './yaml-source.js';
import { decodeUtf8 } from '../text/strict-utf8.js';

export interface LoadedVars {
  readonly scope: Scope;
  /** Project-relative paths of the files named in `vars:`. */
  readonly files: readonly string[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Later entries override earlier ones, key by key. */
export async function loadVars(entries: RawVars, basePath: YamlPath, root: string, source: YamlSource): Promise<LoadedVars> {
  const diagnostics: Diagnostic[] = [];
  const files: string[] = [];
  const scope: Record<string, unknown> = {};
  for (const [index, entry] of entries.entries()) {
    if (typeof entry !== 'string') {
      Object.assign(scope, entry);
      continue;
    }
    const location = source.locate([...basePath, index]);
    const checked = normalizeProjectPath(entry);
    if (!checked.ok) {
      diagnostics.push({ message: checked.message, location, hint: checked.hint });
      continue;
    }
    files.push(checked.path);
    const absolute = path.join(root, checked.path);
    let bytes: Buffer;
    try {
      bytes = await readFile(absolute);
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      diagnostics.push({
        message: missing ? `vars file "${checked.path}" not found` : `cannot read vars file "${checked.path}": ${(error as Error).message}`,
        location,
        hint: missing ? 'paths in "vars" are relative to the project root (the directory of pipeline.yaml)' : undefined,
      });
      continue;
    }
    const displayPath = path.relative(process.cwd(), absolute) || checked.path;
    const text = decodeUtf8(bytes, displayPath, 'vars file');
    if (!text.ok) {
      diagnostics.push(...text.error);
      continue;
    }
    const parsed = parseYamlSource(text.value, displayPath);
    diagnostics.push(...parsed.errors);
    if (!parsed.source) continue;
    const value = parsed.source.value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      diagnostics.push({
        message: `vars file "${checked.path}" must contain a map of variables, got ${describeValue(value)}`,
        location: parsed.source.locate([]),
        hint: 'write one "name: value" per line at the top level',
      });
      continue;
    }
    Object.assign(scope, value);
  }
  return { scope, files, diagnostics };
}
