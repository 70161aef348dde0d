// Parsing YAML with positions dominates a no-op run of a large pipeline (about 0.5 s per 1,000
// stages each for pipeline.yaml and dagmake.lock). A valid parse is kept as JSON under .dagmake/,
// keyed by the SHA-256 of every input text, so an unchanged file is parsed once. Invalid input is
// never memoised: its diagnostics always come from a full parse.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

interface MemoFile<T> {
  readonly key: string;
  /** Extra files the value was derived from (project-relative), re-read to validate the key. */
  readonly extraFiles: readonly string[];
  readonly value: T;
}

const memoPath = (root: string, name: string) => path.join(root, '.dagmake', 'parsed', `${name}.json`);

async function keyOf(root: string, mainText: string, extraFiles: readonly string[]): Promise<string | undefined> {
  const hash = createHash('sha256').update(mainText);
  for (const file of extraFiles) {
    try {
      hash.update(`\0${file}\0`).update(await readFile(path.join(root, file)));
    } catch {
      return undefined;
    }
  }
  return hash.digest('hex');
}

export async function readParseMemo<T>(root: string, name: string, mainText: string): Promise<T | undefined> {
  try {
    const memo = JSON.parse(await readFile(memoPath(root, name), 'utf8')) as MemoFile<T>;
    return memo.key === (await keyOf(root, mainText, memo.extraFiles)) ? memo.value : undefined;
  } catch {
    return undefined;
  }
}

export async function writeParseMemo<T>(root: string, name: string, mainText: string, value: T, extraFiles: readonly string[] = []): Promise<void> {
  const key = await keyOf(root, mainText, extraFiles);
  if (key === undefined) return;
  const target = memoPath(root, name);
  try {
    await mkdir(path.dirname(target), { recursive: true });
    const temp = `${target}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ key, extraFiles, value } satisfies MemoFile<T>));
    await rename(temp, target);
  } catch {
    // A read-only project still works; it just parses every time.
  }
}
