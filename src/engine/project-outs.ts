// What the project's locks record, for gc and cache verify: every out, all of them kept. Whether
// the cache should hold an out the lock does not say: `cache: false` outs are recorded but never
// stored. Only the pipeline files say so, and they are read only when some out is missing.
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { LockedOutRef } from '../cache/references.js';
import type { Diagnostic, Result } from '../errors.js';
import { ok } from '../errors.js';
import { lockFileFor } from '../lock/lock-location.js';
import { projectLockFiles, readProjectLocks } from '../lock/project-locks.js';
import { recordedKind } from './recorded-outs.js';

export interface ProjectOuts {
  /** The hash of every out any lock records. */
  readonly hashes: Set<string>;
  readonly recorded: LockedOutRef[];
}

export async function readProjectOuts(root: string): Promise<Result<ProjectOuts, Diagnostic[]>> {
  const locks = await readProjectLocks(root);
  if (!locks.ok) return locks;
  const recorded: LockedOutRef[] = [];
  for (const { lock } of locks.value) {
    for (const [stage, entry] of Object.entries(lock.stages)) {
      for (const out of entry.outs) recorded.push({ stage, path: out.path, hash: out.hash, kind: recordedKind(out) });
    }
  }
  return ok({ hashes: new Set(recorded.map((out) => out.hash)), recorded });
}

/** `outs` less those their pipeline declares `cache: false`, which the cache never holds. */
export async function expectedInCache<T extends LockedOutRef>(root: string, outs: readonly T[]): Promise<T[]> {
  if (outs.length === 0) return [];
  const uncached = await uncachedOuts(root);
  return outs.filter((out) => !uncached.has(key(out.stage, out.path)));
}

const key = (stage: string, out: string): string => `${stage}\0${out}`;

/**
 * The (stage, out) pairs declared `cache: false` by the pipeline files that have a lock. Locks come
 * without their file's name, so the pairs of all pipelines are pooled. A pipeline that does not load
 * declares nothing here: its outs then count as cached, so a check reports too much, never too little.
 */
async function uncachedOuts(root: string): Promise<Set<string>> {
  const [rootNames, lockFiles] = await Promise.all([readdir(root).catch(() => []), projectLockFiles(root).then((names) => new Set(names))]);
  const pipelineFiles = rootNames.filter((name) => /\.ya?ml$/.test(name) && lockFiles.has(lockFileFor(name)));
  const pairs = new Set<string>();
  if (pipelineFiles.length === 0) return pairs;
  // Not through the run's parse memo: it keeps one pipeline, and loading others here would evict it.
  const { loadPipeline } = await import('../pipeline/load-pipeline.js');
  for (const name of pipelineFiles.sort()) {
    const pipeline = await loadPipeline(path.join(root, name), { displayPath: name });
    if (!pipeline.ok) continue;
    for (const stage of pipeline.value.stages) for (const out of stage.outs) if (!out.cache) pairs.add(key(stage.name, out.path));
  }
  return pairs;
}
