// Imports flow one way: CLI → engine → graph / hash / lock / cache; reporters only consume events;
// stage code sees only the stage API; the engine never imports stage code.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

const root = process.cwd();

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(root, dir)).flatMap((name) => {
    const relative = `${dir}/${name}`;
    if (statSync(path.join(root, relative)).isDirectory()) return sourceFiles(relative);
    return /\.tsx?$/.test(name) ? [relative] : [];
  });
}

/** Project-relative targets of a file's relative imports (static, dynamic and re-exports). */
function localImports(file: string): string[] {
  const text = readFileSync(path.join(root, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((s) => path.posix.normalize(path.posix.join(path.posix.dirname(file), s)));
}

function violations(files: readonly string[], allowed: (target: string) => boolean): string[] {
  return files.flatMap((file) => localImports(file).filter((target) => !allowed(target)).map((t) => `${file} → ${t}`));
}

test('the engine never imports stage code', () => {
  assert.deepEqual(violations(sourceFiles('src'), (t) => !t.startsWith('stages/')), []);
});

test('stage modules import only the stage API and stages/lib', () => {
  const stageFiles = sourceFiles('stages');
  assert.deepEqual(violations(stageFiles, (t) => t.startsWith('stages/') || t === 'src/stage-api.js'), []);
  const lib = stageFiles.filter((f) => f.startsWith('stages/lib/'));
  assert.deepEqual(violations(lib, (t) => t.startsWith('stages/lib/')), []);
});

test('reporters only consume events', () => {
  const allowed = (t: string) =>
    t.startsWith('src/reporters/') || ['src/events.js', 'src/errors.js', 'src/progress-protocol.js'].includes(t);
  assert.deepEqual(violations(sourceFiles('src/reporters'), allowed), []);
});

test('graph, hash, lock and cache do not reach up into the engine, CLI or reporters', () => {
  const upward = (t: string) => /^src\/(engine|cli|reporters|watch|metrics|run)\//.test(t) || t === 'src/cli.js';
  const lower = ['src/graph', 'src/hash', 'src/lock', 'src/cache'].flatMap(sourceFiles);
  assert.deepEqual(violations(lower, (t) => !upward(t)), []);
});

test('process running sits below the engine: it never imports the engine, CLI or reporters', () => {
  const upward = (t: string) => /^src\/(engine|cli|reporters|watch|metrics)\//.test(t) || t === 'src/cli.js';
  assert.deepEqual(violations(sourceFiles('src/run'), (t) => !upward(t)), []);
});

test('the stage API imports nothing from the engine', () => {
  assert.deepEqual(localImports('src/stage-api.ts'), []);
});
