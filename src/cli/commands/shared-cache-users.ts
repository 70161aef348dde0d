// gc in a project whose cache other projects use too: their locks' outs are kept as well, and
// their runs are held off while it collects (a running project writes objects its lock does not
// record yet). A recorded project that no longer exists is forgotten.
import { realpathSync } from 'node:fs';
import { cacheUsers, forgetCacheUser } from '../../cache/cache-users.js';
import { readProjectOuts } from '../../engine/project-outs.js';
import type { Diagnostic, Result } from '../../errors.js';
import { fail, ok } from '../../errors.js';
import { acquireProjectMutex, isProjectBusy, type ProjectMutex } from '../../project-mutex.js';

export interface OtherUsers {
  /** Hashes the other projects' locks record. */
  readonly hashes: Set<string>;
  readonly projects: readonly string[];
  /** Recorded projects that are gone (forgotten unless the run is dry). */
  readonly gone: readonly string[];
  release(): Promise<void>;
}

/** The directory with every link resolved; undefined when it no longer exists. */
const realDir = (dir: string): string | undefined => {
  try {
    return realpathSync(dir);
  } catch {
    return undefined;
  }
};

export async function otherCacheUsers(cacheDir: string, root: string, dry: boolean): Promise<Result<OtherUsers, Diagnostic[]> & { busy?: boolean }> {
  const self = realDir(root);
  const others = (await cacheUsers(cacheDir)).filter((user) => realDir(user) !== self);
  const gone = others.filter((user) => realDir(user) === undefined);
  if (!dry) await Promise.all(gone.map((user) => forgetCacheUser(cacheDir, user)));
  const held: ProjectMutex[] = [];
  const release = async (): Promise<void> => {
    await Promise.all(held.map((mutex) => mutex.release()));
  };
  const hashes = new Set<string>();
  const projects = others.filter((user) => !gone.includes(user));
  for (const project of projects) {
    const mutex = await acquireProjectMutex(project, { wait: false });
    if (!mutex.ok) {
      await release();
      const busy = mutex.error.some(isProjectBusy);
      return {
        ...fail([
          {
            message: `${project} shares this cache (${cacheDir}) and ${busy ? 'is running' : 'cannot be locked'}: ${mutex.error.map((d) => d.message).join('; ')}`,
            hint: busy ? 'run gc when that run has finished' : 'fix the problem in that project first',
          },
        ]),
        busy,
      };
    }
    held.push(mutex.value);
    const outs = await readProjectOuts(project);
    if (!outs.ok) {
      await release();
      return fail([
        ...outs.error,
        {
          message: `${project} shares this cache (${cacheDir}), and gc cannot tell what its locks need`,
          hint: `fix its lock, or, if it no longer uses this cache, remove its record from ${cacheDir}/projects/`,
        },
      ]);
    }
    for (const hash of outs.value.hashes) hashes.add(hash);
  }
  return ok({ hashes, projects, gone, release });
}
