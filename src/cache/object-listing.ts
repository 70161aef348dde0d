import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isSha256Hex } from './cache-layout.js';

export interface StoredObject {
  readonly hash: string;
  readonly path: string;
  readonly size: number;
}

/** Every object file in the store; files whose names are not object names are left out. */
export async function listObjects(objectsDir: string): Promise<StoredObject[]> {
  const found: StoredObject[] = [];
  for (const fan of await readdir(objectsDir).catch(() => [] as string[])) {
    for (const rest of await readdir(join(objectsDir, fan)).catch(() => [] as string[])) {
      const hash = fan + rest;
      if (!isSha256Hex(hash)) continue;
      const path = join(objectsDir, fan, rest);
      const info = await stat(path).catch(() => undefined);
      if (info?.isFile()) found.push({ hash, path, size: info.size });
    }
  }
  return found;
}
