import { existsSync } from 'node:fs';
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
  -f, --file FILE       pipeline file (default: pipeline.yaml here or in the nearest directory above)
  -h, --help            show help`;

export function resolveGlobalOptions(values: { directory?: string; file?: string }): GlobalOptions {
  const cwd = path.resolve(values.directory ?? '.');
  const file = values.file === undefined ? findPipelineFile(cwd) : path.resolve(cwd, values.file);
  const displayPath = path.relative(process.cwd(), file) || path.basename(file);
  return { root: path.dirname(file), file, displayPath };
}

/**
 * The nearest pipeline.yaml at or above `start`, as git finds its repository: commands work from
 * any subdirectory of a project. The search stops at a git repository's top; without one found,
 * the file is looked for in `start` (and reported missing there).
 */
function findPipelineFile(start: string): string {
  for (let dir = start; ; ) {
    const candidate = path.join(dir, DEFAULT_PIPELINE_FILE);
    if (existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir || existsSync(path.join(dir, '.git'))) return path.join(start, DEFAULT_PIPELINE_FILE);
    dir = parent;
  }
}
