// What a watched file "is" for watch mode: its content hash, or for a params file only the
// values its stages select, so editing an unrelated key is no change at all.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../errors.js';
import { canonicalJson } from '../hash/canonical-json.js';
import type { Hasher } from '../hash/hasher.js';
import { parseParamsText, selectParams } from '../hash/params.js';
import { isErrno } from '../lock/atomic-write.js';
import type { ParamSpec } from '../pipeline/types.js';

export type Fingerprint =
  | { readonly kind: 'present'; readonly value: string }
  | { readonly kind: 'missing' }
  /** Unreadable or unparsable now: not a change yet, the problem is reported. */
  | { readonly kind: 'invalid'; readonly diagnostics: readonly Diagnostic[] };

export type Fingerprinter = (rel: string) => Promise<Fingerprint>;

export function createFingerprinter(hasher: Hasher, paramsOnly: ReadonlyMap<string, ReadonlyMap<string, readonly ParamSpec[]>>): Fingerprinter {
  return async (rel) => {
    const specs = paramsOnly.get(rel);
    if (specs !== undefined) return paramsFingerprint(hasher.root, rel, specs);
    const hashed = await hasher.hashPath(rel);
    switch (hashed.kind) {
      case 'file':
        return { kind: 'present', value: `${hashed.hash}${hashed.executable ? '+x' : ''}` };
      case 'missing':
        return { kind: 'missing' };
      case 'invalid':
        return { kind: 'invalid', diagnostics: hashed.diagnostics };
      case 'dir':
        // A file turned into a directory; its members are fingerprinted one by one.
        return { kind: 'missing' };
    }
  };
}

/** Whether the values `stage` selects differ between two fingerprints of a params-only file. */
export function selectedParamsChanged(before: string | undefined, after: string | undefined, stage: string): boolean {
  if (before === undefined || after === undefined) return true;
  try {
    const selected = (fingerprint: string) => canonicalJson((JSON.parse(fingerprint) as Record<string, unknown>)[stage] ?? null);
    return selected(before) !== selected(after);
  } catch {
    // Taken before the file was params-only: its bytes, not values.
    return true;
  }
}

/** The selected values per stage, so that a change can be traced to the stages whose keys it touched. */
async function paramsFingerprint(root: string, rel: string, specsByStage: ReadonlyMap<string, readonly ParamSpec[]>): Promise<Fingerprint> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path.join(root, rel));
  } catch (error) {
    if (isErrno(error, 'ENOENT', 'ENOTDIR', 'EISDIR')) return { kind: 'missing' };
    return { kind: 'invalid', diagnostics: [{ message: `cannot read ${rel}: ${(error as Error).message}` }] };
  }
  const data = await parseParamsText(bytes, rel);
  if (!data.ok) return { kind: 'invalid', diagnostics: data.error };
  const selected: Record<string, unknown[]> = {};
  const problems: Diagnostic[] = [];
  for (const [stage, specs] of specsByStage) {
    selected[stage] = [];
    for (const spec of specs) {
      const values = selectParams(data.value, rel, spec.keys, spec.location);
      if (values.ok) selected[stage].push(values.value);
      else problems.push(...values.error);
    }
  }
  if (problems.length > 0) return { kind: 'invalid', diagnostics: problems };
  return { kind: 'present', value: canonicalJson(selected) };
}
