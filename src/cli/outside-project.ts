// gc and cache verify act on what a project's locks record. Where there is neither a pipeline file
// nor a lock (started outside the project, or -C a wrong directory) there is nothing to act on,
// and going ahead would leave a cache/ and a .dagmake/ in that directory.
import { existsSync } from 'node:fs';
import type { Diagnostic } from '../errors.js';
import { projectLockFiles } from '../lock/project-locks.js';
import type { GlobalOptions } from './global-options.js';

export async function outsideProject(global: GlobalOptions): Promise<Diagnostic | undefined> {
  if (existsSync(global.file) || (await projectLockFiles(global.root)).length > 0) return undefined;
  return {
    message: `pipeline file "${global.displayPath}" not found, and no lock either: not a dagmake project`,
    hint: 'run inside the project (pipeline.yaml is looked for here and in the directories above), or give a pipeline file with -f',
  };
}
