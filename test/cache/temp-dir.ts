import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';

export const makeTempDir = (): Promise<string> => mkdtemp(join(tmpdir(), 'dagmake-cache-'));

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** Writes `files` (relative path → content) below `dir`. */
export async function writeTree(dir: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}
