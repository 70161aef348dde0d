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

/** Reads one JSON entry; anything unreadable or malformed counts as absent. */
export async function readEntry<T>(path: string, schema: z.ZodType<T>): Promise<T | undefined> {
  try {
    // Synchronous: entries are a few hundred bytes, and most lookups miss (one failed open).
    const text = readFileSync(path, 'utf8');
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Every `<fan-out>/<key>.json` below `dir`. */
export async function listEntries<T>(dir: string, schema: z.ZodType<T>): Promise<EntryFile<T>[]> {
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
