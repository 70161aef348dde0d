// The module-stage child is started by file path. The engine runs either from the compiled
// modules (dist/src/) or from the bundled CLI (dist/bin/), so its own location says nothing
// reliable about where the child is; the package root, found by walking up, does.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const CHILD_IN_PACKAGE = path.join('dist', 'src', 'run', 'stage-child.js');

export function stageChildPath(from: string = fileURLToPath(import.meta.url)): string {
  for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, CHILD_IN_PACKAGE);
    if (existsSync(candidate)) return candidate;
    if (path.dirname(dir) === dir) throw new Error(`Internal error: ${CHILD_IN_PACKAGE} not found above ${from}`);
  }
}
