import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface TempProject {
  readonly root: string;
  write(relative: string, content: string): Promise<void>;
  read(relative: string): Promise<string>;
  remove(relative: string): Promise<void>;
  dispose(): Promise<void>;
}

/** A fresh project directory with the given files (relative path → content). */
export async function tempProject(files: Record<string, string> = {}): Promise<TempProject> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'dagmake-test-'));
  const project: TempProject = {
    root,
    async write(relative, content) {
      const target = path.join(root, relative);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFile(target, content);
    },
    read: (relative) => readFile(path.join(root, relative), 'utf8'),
    remove: (relative) => rm(path.join(root, relative), { recursive: true, force: true }),
    dispose: () => rm(root, { recursive: true, force: true }),
  };
  for (const [relative, content] of Object.entries(files)) await project.write(relative, content);
  return project;
}
