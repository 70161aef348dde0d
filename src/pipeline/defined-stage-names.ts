// The stages a pipeline file defines now, by name, for telling whether a stage another pipeline
// file records still lives there or has moved.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadPipeline, stagesOf } from './load-pipeline.js';
import { parseYamlSource } from './yaml-source.js';

/**
 * The names of the stages the file defines, matrix and foreach instances included; empty when the
 * file is gone or cannot be read.
 */
export async function definedStageNames(file: string): Promise<ReadonlySet<string>> {
  const displayPath = path.basename(file);
  const loaded = await loadPipeline(file, { displayPath });
  if (loaded.ok) return new Set(loaded.value.stages.map((stage) => stage.name));
  // A file that does not load (an invalid stage, a missing vars file) still names its stages when
  // its YAML parses. Which instances a matrix or foreach stage has is then unknown, and with broken
  // YAML nothing is: those names are not counted, so their stages count as moved, as before.
  const text = await readFile(file, 'utf8').catch(() => undefined);
  const parsed = text === undefined ? undefined : parseYamlSource(text, displayPath);
  return new Set(parsed?.source ? Object.keys(stagesOf(parsed.source.value)) : []);
}
