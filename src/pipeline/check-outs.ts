// Every output has exactly one producer: no path declared twice, none inside another output.
import { formatLocation } from './format-location.js';
import type { Diagnostic } from '../errors.js';
import { isLockFileName, lockFileFor } from '../lock/lock-location.js';
import type { OutSpec, StageDef } from './types.js';

interface Owner {
  readonly stage: string;
  readonly out: OutSpec;
}

export function checkOuts(stages: readonly StageDef[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const owners = new Map<string, Owner>();
  for (const stage of stages) {
    for (const out of stage.outs) {
      const first = owners.get(out.path);
      if (first) {
        diagnostics.push({
          message:
            first.stage === stage.name
              ? `output "${out.path}" is declared twice in stage "${stage.name}"`
              : `output "${out.path}" of stage "${stage.name}" is already an output of stage "${first.stage}"`,
          location: out.location,
          hint: `first declared at ${formatLocation(first.out.location)}; every path has exactly one producing stage`,
        });
        continue;
      }
      owners.set(out.path, { stage: stage.name, out });
    }
  }
  for (const [path, owner] of owners) {
    const container = enclosingOut(path, owners);
    if (!container) continue;
    const whose = container.stage === owner.stage ? 'the same stage' : `stage "${container.stage}"`;
    diagnostics.push({
      message: `output "${path}" of stage "${owner.stage}" is inside output "${container.out.path}" of ${whose}`,
      location: owner.out.location,
      hint: `"${container.out.path}" is declared at ${formatLocation(container.out.location)}; an output directory belongs entirely to one stage, so move one of them`,
    });
  }
  return diagnostics;
}

/**
 * Paths the engine itself owns (or git does), relative to the project root: no stage writes them.
 * The lock of every pipeline file other than pipeline.yaml is one too (isLockFileName).
 */
export const ENGINE_PATHS: readonly string[] = ['.dagmake', 'cache', 'dagmake.lock', '.git'];

/**
 * Outputs are deleted before their stage runs: one that is (or contains) the pipeline file, its
 * lock or another pipeline file's, the engine's state or cache, or .git would destroy them.
 */
export function checkReservedOuts(stages: readonly StageDef[], pipelineFile: string, varsFiles: readonly string[]): Diagnostic[] {
  const ownLock = lockFileFor(pipelineFile);
  const shared: Reserved[] = [
    ...ENGINE_PATHS.map((path) => ({ path, what: describeEnginePath(path) })),
    { path: pipelineFile, what: `the pipeline file "${pipelineFile}"` },
    { path: ownLock, what: `the lock file "${ownLock}" of "${pipelineFile}"` },
    ...varsFiles.map((path) => ({ path, what: `the vars file "${path}"` })),
  ];
  const diagnostics: Diagnostic[] = [];
  for (const stage of stages) {
    // A stage's own inputs are read before it runs, so its outs must not hold them either.
    const own: Reserved[] = [
      ...stage.params.map((p) => ({ path: p.file, what: `its own params file "${p.file}"` })),
      ...(stage.uses !== undefined ? [{ path: stage.uses, what: `its own module "${stage.uses}"` }] : []),
    ];
    for (const out of stage.outs) {
      const hit =
        [...shared, ...own].find((r) => r.path === out.path || r.path.startsWith(`${out.path}/`) || out.path.startsWith(`${r.path}/`)) ??
        (isLockFileName(out.path) ? { path: out.path, what: 'a pipeline file\'s lock (names ending in ".dagmake.lock" are reserved for locks)' } : undefined);
      if (hit === undefined) continue;
      diagnostics.push({
        message: `output "${out.path}" of stage "${stage.name}" ${hit.path === out.path ? 'is' : out.path.startsWith(`${hit.path}/`) ? 'is inside' : 'contains'} ${hit.what}`,
        location: out.location,
        hint: 'outputs are deleted before their stage runs; declare a path of its own, e.g. under outputs/',
      });
    }
  }
  return diagnostics;
}

interface Reserved {
  readonly path: string;
  readonly what: string;
}

function describeEnginePath(path: string): string {
  if (path === 'dagmake.lock') return 'the lock file "dagmake.lock"';
  if (path === '.git') return 'the git directory ".git"';
  return `dagmake's own "${path}" directory`;
}

function enclosingOut(path: string, owners: ReadonlyMap<string, Owner>): Owner | undefined {
  const parts = path.split('/');
  for (let length = parts.length - 1; length > 0; length--) {
    const owner = owners.get(parts.slice(0, length).join('/'));
    if (owner) return owner;
  }
  return undefined;
}
