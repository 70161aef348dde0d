// What a set of roots keeps alive in the store: the objects themselves plus, for trees, every
// file object they list.
import { open } from 'node:fs/promises';
import type { ObjectKind, ObjectStore } from './object-store.js';

const MANIFEST_LINE_START = /^[0-9a-f]{64} \d+ [x-] /;

/** Adds `hash` and, when it is a tree, the objects it lists to `into`. */
export async function addReachable(store: ObjectStore, hash: string, kind: ObjectKind, into: Set<string>): Promise<void> {
  into.add(hash);
  if (kind === 'dir') for (const entry of (await store.readTree(hash)) ?? []) into.add(entry.hash);
}

/**
 * Like addReachable for a hash of unknown kind (the lock's hashes come without one): an object
 * is expanded when it parses as a tree. A data file that happens to look like one only keeps more.
 */
export async function addReachableUnknownKind(store: ObjectStore, hash: string, into: Set<string>): Promise<void> {
  into.add(hash);
  if (await looksLikeTree(store, hash)) await addReachable(store, hash, 'dir', into);
}

// Peeks at the first bytes so large data files are not read in full just to be ruled out.
async function looksLikeTree(store: ObjectStore, hash: string): Promise<boolean> {
  const handle = await open(store.objectPath(hash), 'r').catch(() => undefined);
  if (handle === undefined) return false;
  try {
    const buffer = Buffer.alloc(80);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return bytesRead > 0 && MANIFEST_LINE_START.test(buffer.subarray(0, bytesRead).toString('latin1'));
  } finally {
    await handle.close();
  }
}

/** An out a lock records, as the cache sees it. */
export interface LockedOutRef {
  readonly stage: string;
  readonly path: string;
  readonly hash: string;
  readonly kind: ObjectKind;
}

/** A recorded out the store cannot give back: its object is gone, or (for a tree) some of its files. */
export interface MissingOut extends LockedOutRef {
  /** For a directory whose tree is present: how many of the files it lists are gone. */
  readonly missingFiles?: number;
}

/** Each out once: two locks may record the same entry (a pipeline's first run copies its stages' entries from dagmake.lock). */
export function distinctOuts(outs: readonly LockedOutRef[]): LockedOutRef[] {
  const seen = new Map<string, LockedOutRef>();
  for (const out of outs) seen.set(JSON.stringify([out.stage, out.path, out.hash]), out);
  return [...seen.values()];
}

/** The outs whose objects are not all in `present` (the hashes the store holds), each once, by stage and path. */
export async function missingOuts(store: ObjectStore, outs: readonly LockedOutRef[], present: ReadonlySet<string>): Promise<MissingOut[]> {
  const missing: MissingOut[] = [];
  for (const out of distinctOuts(outs)) {
    if (!present.has(out.hash)) {
      missing.push(out);
      continue;
    }
    if (out.kind !== 'dir') continue;
    const entries = await store.readTree(out.hash);
    if (entries === undefined) {
      missing.push(out);
      continue;
    }
    const missingFiles = entries.filter((entry) => !present.has(entry.hash)).length;
    if (missingFiles > 0) missing.push({ ...out, missingFiles });
  }
  return missing.sort((a, b) => compare(a.stage, b.stage) || compare(a.path, b.path));
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
