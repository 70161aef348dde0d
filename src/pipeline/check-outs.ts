// Every output has exactly one producer: no path declared twice, none inside another output.
import { formatLocation } from './format-location.js';
import type { Diagnostic } from '../errors.js';
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

function enclosingOut(path: string, owners: ReadonlyMap<string, Owner>): Owner | undefined {
  const parts = path.split('/');
  for (let length = parts.length - 1; length > 0; length--) {
    const owner = owners.get(parts.slice(0, length).join('/'));
    if (owner) return owner;
  }
  return undefined;
}
