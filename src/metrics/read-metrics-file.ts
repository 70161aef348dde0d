// One metrics file from the workspace, parsed by its extension; problems are values, never throws.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { flattenMetrics, type FlatMetrics } from './flatten-metrics.js';
import { describeMetricKeyCollisions, findMetricKeyCollisions } from './metric-key-collisions.js';

export type MetricsReading =
  | { readonly kind: 'values'; readonly values: FlatMetrics }
  | { readonly kind: 'missing' }
  | { readonly kind: 'unreadable'; readonly reason: string };

const yamlExtensions = new Set(['.yaml', '.yml']);

export function isSupportedMetricsPath(file: string): boolean {
  const extension = path.extname(file).toLowerCase();
  return extension === '.json' || yamlExtensions.has(extension);
}

export async function readMetricsFile(root: string, file: string): Promise<MetricsReading> {
  if (!isSupportedMetricsPath(file)) {
    return { kind: 'unreadable', reason: 'not a metrics format; name it .json, .yaml or .yml' };
  }
  let text: string;
  try {
    text = await readFile(path.join(root, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'missing' };
    if (code === 'EISDIR') return { kind: 'unreadable', reason: 'is a directory; a metrics out must be one JSON or YAML file' };
    return { kind: 'unreadable', reason: (error as Error).message };
  }
  return await parseMetricsText(text, file);
}

/** JSON by extension, else YAML; the YAML library is loaded on the first YAML metrics file. */
export async function parseMetricsText(text: string, file: string): Promise<MetricsReading> {
  if (path.extname(file).toLowerCase() === '.json') {
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      return { kind: 'unreadable', reason: `invalid JSON: ${(error as Error).message}` };
    }
    return readingOf(document);
  }
  // The CommonJS module itself (`default`): a bundle's lazily loaded chunk has no named exports.
  const { parseDocument } = (await import('yaml')).default;
  const document = parseDocument(text, { prettyErrors: false });
  const first = document.errors[0];
  if (first) return { kind: 'unreadable', reason: `invalid YAML: ${first.message.split('\n')[0]}` };
  return readingOf(document.toJS());
}

// Keeping either of two values that share a dotted key would show a number the file does not
// mean under that name, so such a file is not read at all until one key is renamed.
function readingOf(document: unknown): MetricsReading {
  const collisions = findMetricKeyCollisions(document);
  if (collisions.length > 0) return { kind: 'unreadable', reason: describeMetricKeyCollisions(collisions) };
  return { kind: 'values', values: flattenMetrics(document) };
}
