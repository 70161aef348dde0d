import path from 'node:path';
import { DEFAULT_PIPELINE_FILE } from '../lock/lock-location.js';

export interface GlobalOptions {
  /** Absolute project root. */
  readonly root: string;
  /** Absolute pipeline file. */
  readonly file: string;
  /** How the pipeline file is named in messages. */
  readonly displayPath: string;
}

export const globalOptionSpecs = {
  directory: { type: 'string', short: 'C' },
  file: { type: 'string', short: 'f' },
  help: { type: 'boolean', short: 'h' },
} as const;

export const globalHelp = `Global options:
  -C, --directory DIR   run as if started in DIR
  -f, --file FILE       pipeline file (default: pipeline.yaml)
  -h, --help            show help`;

export function resolveGlobalOptions(values: { directory?: string; file?: string }): GlobalOptions {
  const cwd = path.resolve(values.directory ?? '.');
  const file = path.resolve(cwd, values.file ?? DEFAULT_PIPELINE_FILE);
  const displayPath = path.relative(process.cwd(), file) || path.basename(file);
  return { root: path.dirname(file), file, displayPath };
}
