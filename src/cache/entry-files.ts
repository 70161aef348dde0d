import { readFileSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';

export interface EntryFile<T> {
  readonly key: string;
  readonly path: string;
  /** Undefined when the file is unreadable or does not match the schema. */
  readonly entry: T | undefined;
}

/** The entry schema, loaded on first need (most lookups miss and need none). */
export type SchemaLoader<T> = () => Promise<z.ZodType<T>>;

/** Reads one JSON entry; anything unreadable or malformed counts as absent. */
export async function readEntry<T>(path: string, schema: SchemaLoader<T>): Promise<T | undefined> {
  let data: unknown;
  try {
    // Synchronous: entries are a few hundred bytes, and most lookups miss (one failed open).
    data = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
  const parsed = (await schema()).safeParse(data);
  return parsed.success ? parsed.data : undefined;
}

/** Every `<fan-out>/<key>.json` below `dir`. */
export async function listEntries<T>(dir: string, schema: SchemaLoader<T>): Promise<EntryFile<T>[]> {
  const found: EntryFile<T>[] = [];
  for (const fan of await readdir(dir).catch(() => [] as string[])) {
    for (const name of await readdir(join(dir, fan)).catch(() => [] as string[])) {
      if (!name.endsWith('.json')) continue;
      const path = join(dir, fan, name);
      found.push({ key: name.slice(0, -'.json'.length), path, entry: await readEntry(path, schema) });
    }
  }
  return found;
}
