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
