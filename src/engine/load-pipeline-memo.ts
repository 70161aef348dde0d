import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic, Result } from '../errors.js';
import { ok } from '../errors.js';
import { readParseMemo, writeParseMemo } from '../parse-memo.js';
import type { Pipeline } from '../pipeline/types.js';

// Part of the key: raise it whenever loadPipeline's result changes shape (2: OutSpec.directory),
// or a memo written by an older version would stand in for a load that now yields more.
const PIPELINE_SHAPE = 2;

/**
 * loadPipeline, skipping the YAML parse and validation (and the import of the parser) when the
 * pipeline file and its vars files are byte-identical to the last valid load.
 */
export async function loadPipelineMemo(file: string, displayPath: string): Promise<Result<Pipeline, Diagnostic[]>> {
  const root = path.dirname(file);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  // Locations in the result name the file as displayed, so the display path is part of the key.
  const keyText = text === undefined ? undefined : `${PIPELINE_SHAPE}\0${file}\0${displayPath}\0${text}`;
  if (keyText !== undefined) {
    const memo = await readParseMemo<Pipeline>(root, 'pipeline', keyText);
    if (memo) return ok(memo);
  }
  const { loadPipeline } = await import('../pipeline/load-pipeline.js');
  const loaded = await loadPipeline(file, { displayPath });
  if (loaded.ok && keyText !== undefined) await writeParseMemo(root, 'pipeline', keyText, loaded.value, loaded.value.varsFiles);
  return loaded;
}
