// One metrics file from the workspace, parsed by its extension; problems are values, never throws.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { flattenMetrics, type FlatMetrics } from './flatten-metrics.js';

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
    try {
      return { kind: 'values', values: flattenMetrics(JSON.parse(text)) };
    } catch (error) {
      return { kind: 'unreadable', reason: `invalid JSON: ${(error as Error).message}` };
    }
  }
  const { parseDocument } = await import('yaml');
  const document = parseDocument(text, { prettyErrors: false });
  const first = document.errors[0];
  if (first) return { kind: 'unreadable', reason: `invalid YAML: ${first.message.split('\n')[0]}` };
  return { kind: 'values', values: flattenMetrics(document.toJS()) };
}
