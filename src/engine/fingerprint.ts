// What a stage is, as far as its freshness goes: the definition hash, the current deps and the
// selected params. Compared with the lock to decide staleness, and hashed into the run-cache key.
import { createHash } from 'node:crypto';
import type { Diagnostic } from '../errors.js';
import { canonicalJson } from '../hash/canonical-json.js';
import type { LockedPath } from '../lock/types.js';
import type { StageDef } from '../pipeline/types.js';
import type { PathHasher } from './path-hasher.js';

export interface StageFingerprint {
  readonly definition: string;
  /** What `definition` is the hash of. */
  readonly parts: DefinitionParts;
  readonly deps: readonly LockedPath[];
  readonly missingDeps: readonly string[];
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

/** Everything the definition hash covers, kept so that a changed definition can say what changed. */
export interface DefinitionParts {
  readonly cmd: readonly string[] | null;
  readonly uses: string | null;
  readonly modules: readonly { readonly path: string; readonly hash: string }[];
  readonly with: unknown;
  readonly env: Readonly<Record<string, string>>;
  readonly wdir: string;
  readonly outs: readonly { readonly path: string; readonly kind: string; readonly cache: boolean; readonly persist: boolean }[];
  readonly resume?: true;
}

/**
 * The definition covers everything about a stage except its deps and params (hashed by content
 * on their own): the command, or the module with every local module it imports; `with`, declared
 * `env`, `wdir`, and the declared outs. `desc` and resources don't change results and are left out.
 */
function definitionParts(stage: StageDef, modules: readonly { path: string; hash: string }[]): DefinitionParts {
  return {
    cmd: stage.cmd ?? null,
    uses: stage.uses ?? null,
    modules,
    with: stage.with,
    env: stage.env,
    wdir: stage.wdir,
    outs: stage.outs.map((o) => ({ path: o.path, kind: o.kind, cache: o.cache, persist: o.persist })),
    // Only when set, so that the definitions of every other stage stay as they were.
    ...(stage.resume && { resume: true as const }),
  };
}

const hashDefinition = (parts: DefinitionParts): string => sha256(canonicalJson(parts));

export async function fingerprintStage(
  stage: StageDef,
  hasher: PathHasher,
): Promise<{ ok: true; value: StageFingerprint } | { ok: false; error: Diagnostic[] }> {
  const problems: Diagnostic[] = [];
  let modules: { path: string; hash: string }[] = [];
  if (stage.uses !== undefined) {
    const files = await hasher.moduleFiles(stage.uses);
    if (!files.ok) return files;
    modules = await Promise.all(
      files.value.map(async (path) => {
        const state = await hasher.hashPath(path);
        return { path, hash: state.kind === 'missing' || state.kind === 'invalid' ? state.kind : state.hash };
      }),
    );
  }
  const deps: LockedPath[] = [];
  const missingDeps: string[] = [];
  await Promise.all(
    stage.deps.map(async (dep) => {
      const state = await hasher.hashPath(dep.path);
      if (state.kind === 'missing') missingDeps.push(dep.path);
      else if (state.kind === 'invalid') problems.push({ message: state.message, location: dep.location });
      else deps.push({ path: dep.path, hash: state.hash, size: state.size, nfiles: state.nfiles });
    }),
  );
  const params: Record<string, Record<string, unknown>> = {};
  for (const spec of stage.params) {
    const values = await hasher.readParams(spec.file, spec.keys);
    if (!values.ok) {
      problems.push(...values.error.map((d) => ({ ...d, location: d.location ?? spec.location })));
      continue;
    }
    params[spec.file] = { ...params[spec.file], ...values.value };
  }
  if (problems.length > 0) return { ok: false, error: problems };
  deps.sort((a, b) => (a.path < b.path ? -1 : 1));
  const parts = definitionParts(stage, modules);
  return { ok: true, value: { definition: hashDefinition(parts), parts, deps, missingDeps, params } };
}

/**
 * The run-cache key: the same definition, dep contents and params always produce the same outs.
 * A directory dep is marked as one: its hash alone can equal a file's (an empty directory and an
 * empty file hash the same), and a stage may well write something else for each.
 */
export function runCacheKey(fingerprint: StageFingerprint): string {
  return sha256(
    canonicalJson({
      definition: fingerprint.definition,
      deps: fingerprint.deps.map((d) => (d.nfiles === undefined ? [d.path, d.hash] : [d.path, d.hash, 'directory'])),
      params: fingerprint.params,
    }),
  );
}
