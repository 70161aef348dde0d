// Writes an output directory so that it is either complete or untouched: files go to a temp
// directory next to it, which is renamed into place at the end.
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DatasetError } from './errors.js';
import type { Sample } from './sample.js';

/** One sample per line: compact, yet diffs and `head` stay readable. */
export function formatSplitFile(samples: readonly Sample[]): string {
  return samples.length === 0 ? '[]\n' : `[\n${samples.map((sample) => JSON.stringify(sample)).join(',\n')}\n]\n`;
}

export async function writeDirectoryAtomically(outDir: string, files: Readonly<Record<string, string>>): Promise<void> {
  const parent = path.dirname(outDir);
  await mkdir(parent, { recursive: true });
  const temp = await mkdtemp(path.join(parent, `.${path.basename(outDir)}.tmp-`));
  try {
    for (const [name, content] of Object.entries(files)) await writeFile(path.join(temp, name), content);
    const old = `${temp}.old`;
    await rename(outDir, old).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    await rename(temp, outDir);
    await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(temp, { recursive: true, force: true });
    throw error;
  }
}

export async function readJsonFile(file: string, shownAs: string, hint: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new DatasetError(`${shownAs}: cannot read it. ${hint}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new DatasetError(`${shownAs}: not valid JSON (${(error as Error).message}). ${hint}`);
  }
}
