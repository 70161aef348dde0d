// Every output has exactly one producer: no path declared twice, none inside another output.
import nodePath from 'node:path';
import { formatLocation } from './format-location.js';
import type { Diagnostic } from '../errors.js';
import { isLockFileName, lockFileFor } from '../lock/lock-location.js';
import type { PathLinks } from './path-links.js';
import type { OutSpec, StageDef } from './types.js';

interface Owner {
  readonly stage: string;
  readonly out: OutSpec;
}

/** Two expansions of one template: "first declared at" would point at the very same place. */
const sameTemplateLine = (a: OutSpec, b: OutSpec): boolean =>
  a.location !== undefined && formatLocation(a.location) === formatLocation(b.location);

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
          hint: sameTemplateLine(first.out, out)
            ? 'both come from this line of one foreach or matrix stage: each expanded stage needs outs of its own, so put "${item}" (or "${item.NAME}") in the path'
            : `first declared at ${formatLocation(first.out.location)}; every path has exactly one producing stage`,
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
  const shared = sharedReserved(pipelineFile, varsFiles);
  const diagnostics: Diagnostic[] = [];
  for (const stage of stages) {
    const reserved = [...shared, ...ownReserved(stage)];
    for (const out of stage.outs) {
      const hit = reservedHit(out.path, reserved);
      if (hit === undefined) continue;
      diagnostics.push({
        message: `output "${out.path}" of stage "${stage.name}" ${relation(out.path, hit.path)} ${hit.what}`,
        location: out.location,
        hint: RESERVED_HINT,
      });
    }
  }
  return diagnostics;
}

const RESERVED_HINT = 'outputs are deleted before their stage runs; declare a path of its own, e.g. under outputs/';

function sharedReserved(pipelineFile: string, varsFiles: readonly string[]): Reserved[] {
  const ownLock = lockFileFor(pipelineFile);
  return [
    ...ENGINE_PATHS.map((path) => ({ path, what: describeEnginePath(path) })),
    { path: pipelineFile, what: `the pipeline file "${pipelineFile}"` },
    { path: ownLock, what: `the lock file "${ownLock}" of "${pipelineFile}"` },
    ...varsFiles.map((path) => ({ path, what: `the vars file "${path}"` })),
  ];
}

/** A stage's own inputs are read before it runs, so its outs must not hold them either. */
function ownReserved(stage: StageDef): Reserved[] {
  return [
    ...stage.params.map((p) => ({ path: p.file, what: `its own params file "${p.file}"` })),
    ...(stage.uses !== undefined ? [{ path: stage.uses, what: `its own module "${stage.uses}"` }] : []),
  ];
}

function reservedHit(outPath: string, reserved: readonly Reserved[]): Reserved | undefined {
  return (
    reserved.find((r) => r.path === outPath || r.path.startsWith(`${outPath}/`) || outPath.startsWith(`${r.path}/`)) ??
    (isLockFileName(outPath) ? { path: outPath, what: 'a pipeline file\'s lock (names ending in ".dagmake.lock" are reserved for locks)' } : undefined)
  );
}

const relation = (outPath: string, hitPath: string): string => (hitPath === outPath ? 'is' : outPath.startsWith(`${hitPath}/`) ? 'is inside' : 'contains');

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

interface LinkedOwner extends Owner {
  readonly link?: string;
}

/**
 * The checks above once symbolic links inside the project are followed: `real/x.txt` and
 * `alias/x.txt` with alias -> real are one file, and each run would restore one stage's version
 * over the other's. Needs the file system, so it runs before every run rather than at load.
 */
export function checkLinkedOuts(stages: readonly StageDef[], links: PathLinks, pipelineFile: string, varsFiles: readonly string[]): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const owners = new Map<string, LinkedOwner>();
  const shared = sharedReserved(pipelineFile, varsFiles);
  for (const stage of stages) {
    for (const out of stage.outs) {
      const resolved = links.resolve(out.path);
      const owner: LinkedOwner = { stage: stage.name, out, ...(resolved.link !== undefined && { link: resolved.link }) };
      const first = owners.get(resolved.real);
      if (first !== undefined) {
        diagnostics.push({
          message: `output "${out.path}" of stage "${stage.name}" is the same file as ${other(first, stage.name)}: ${linkNote(links, owner, first)}`,
          location: out.location,
          hint:
            `"${first.out.path}" is declared at ${formatLocation(first.out.location)}; ` +
            'every file has exactly one producing stage, so declare it once, by one path',
        });
        continue;
      }
      owners.set(resolved.real, owner);
      if (resolved.link === undefined || resolved.inProject === undefined) continue;
      const hit = reservedHit(resolved.inProject, [...shared, ...ownReserved(stage)]);
      if (hit === undefined) continue;
      diagnostics.push({
        message: `output "${out.path}" of stage "${stage.name}" ${relation(resolved.inProject, hit.path)} ${hit.what}: ${linkNote(links, owner)}`,
        location: out.location,
        hint: RESERVED_HINT,
      });
    }
  }
  for (const [real, owner] of owners) {
    const container = enclosingReal(real, owners);
    if (container === undefined || (owner.link === undefined && container.link === undefined)) continue;
    diagnostics.push({
      message: `output "${owner.out.path}" of stage "${owner.stage}" is inside ${other(container, owner.stage)}: ${linkNote(links, owner, container)}`,
      location: owner.out.location,
      hint:
        `"${container.out.path}" is declared at ${formatLocation(container.out.location)}; ` +
        'an output directory belongs entirely to one stage, so declare outputs by paths that do not lead into one another',
    });
  }
  return diagnostics;
}

const other = (owner: Owner, stage: string): string =>
  owner.stage === stage ? `its output "${owner.out.path}"` : `output "${owner.out.path}" of stage "${owner.stage}"`;

function linkNote(links: PathLinks, ...owners: LinkedOwner[]): string {
  const named = [...new Set(owners.flatMap((o) => (o.link === undefined ? [] : [o.link])))];
  return named.map((link) => `"${link}" is a symbolic link to "${links.describeTarget(link)}"`).join(' and ');
}

function enclosingReal(real: string, owners: ReadonlyMap<string, LinkedOwner>): LinkedOwner | undefined {
  for (let dir = nodePath.dirname(real); ; dir = nodePath.dirname(dir)) {
    const owner = owners.get(dir);
    if (owner !== undefined) return owner;
    if (nodePath.dirname(dir) === dir) return undefined;
  }
}
