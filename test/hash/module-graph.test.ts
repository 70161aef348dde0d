import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Hasher } from '../../src/hash/hasher.js';
import { collectModuleFiles, resolutionCandidates } from '../../src/hash/module-graph.js';

let tmp: string;
before(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'dagmake-modules-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function project(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(tmp, 'p-'));
  for (const [rel, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
    await writeFile(path.join(root, rel), content);
  }
  return root;
}

const MODULES = {
  'stages/train.ts': [
    "import fs from 'node:fs';",
    "import { parse } from 'yaml';",
    "import { helper } from '../lib/util.js';",
    "import type { Config } from '../lib/types.js';",
    "export * from './reexported';",
    "export { model } from '../models';",
    'export default async function run() {',
    "  const lazy = await import('./lazy.js');",
    '}',
  ].join('\n'),
  'lib/util.ts': "import { a } from './cycle-a.js';\nexport const helper = 1;",
  'lib/cycle-a.ts': "import { b } from './cycle-b.js';\nexport const a = 1;",
  'lib/cycle-b.ts': "import { a } from './cycle-a.js';\nexport const b = 2;",
  'lib/types.ts': 'export interface Config {}',
  'stages/reexported.ts': 'export const r = 1;',
  'models/index.ts': "export { model } from './lstm.mjs';",
  'models/lstm.mts': 'export const model = 1;',
  'stages/lazy.tsx': 'export const lazy = 1;',
  'stages/unrelated.ts': 'export const u = 1;',
};

describe('collectModuleFiles', () => {
  it('follows every kind of local import transitively and skips packages', async () => {
    const root = await project(MODULES);
    const result = await collectModuleFiles('stages/train.ts', root);
    assert.deepEqual(result, {
      ok: true,
      value: [
        'lib/cycle-a.ts',
        'lib/cycle-b.ts',
        'lib/types.ts',
        'lib/util.ts',
        'models/index.ts',
        'models/lstm.mts',
        'stages/lazy.tsx',
        'stages/reexported.ts',
        'stages/train.ts',
      ],
    });
  });

  it('parses an unchanged module only once across runs', async () => {
    const root = await project(MODULES);
    const first = await Hasher.open(root, { now: () => BigInt(Date.now() + 60_000) * 1_000_000n });
    await collectModuleFiles('stages/train.ts', root, first);
    await first.close();
    assert.equal(first.counters.modulesParsed, 9);

    await writeFile(path.join(root, 'lib/types.ts'), "import './new-dep.js';\nexport interface Config {}");
    await writeFile(path.join(root, 'lib/new-dep.ts'), '');
    const second = await Hasher.open(root);
    const result = await collectModuleFiles('stages/train.ts', root, second);
    await second.close();
    assert.equal(second.counters.modulesParsed, 2, 'only the edited and the new module');
    assert.ok(result.ok && result.value.includes('lib/new-dep.ts'));
  });

  it('reports a missing local import with the importing file, specifier and position', async () => {
    const root = await project({ 'stages/s.ts': "import ok from 'zod';\n  import { x } from './missing.js';\n" });
    const result = await collectModuleFiles('stages/s.ts', root);
    assert.equal(result.ok, false);
    assert.deepEqual(!result.ok && result.error, [
      {
        message: "cannot resolve import './missing.js' in stages/s.ts",
        location: { file: 'stages/s.ts', line: 2, col: 21 },
        hint: 'fix the import path or create the missing module',
      },
    ]);
  });

  it('follows package.json imports and tsconfig paths that name project files', async () => {
    const root = await project({
      'package.json': JSON.stringify({
        name: 'p',
        imports: { '#config': { types: './lib/types.ts', import: './lib/config.ts' }, '#lib/*': './lib/*', '#dep': 'zod' },
      }),
      'tsconfig.json': '{\n  // stages import helpers by alias\n  "compilerOptions": {"baseUrl": "src", "paths": {"@h/*": ["helpers/*", "fallback/*"], "@v/*": ["../node_modules/*"],},},\n}\n',
      'stages/s.ts': [
        "import { c } from '#config';",
        "import { u } from '#lib/util.js';",
        "import z from '#dep';",
        "import { h } from '@h/one.js';",
        "import { g } from '@h/two';",
        "import { p } from '@v/zod';",
        "import { y } from 'yaml';",
      ].join('\n'),
      'lib/config.ts': 'export const c = 1;',
      'lib/types.ts': 'export interface T {}',
      'lib/util.ts': 'export const u = 1;',
      'src/helpers/one.ts': "import { w } from '#lib/deep.js';\nexport const h = 1;",
      'lib/deep.ts': 'export const w = 1;',
      'src/fallback/two.ts': 'export const g = 1;',
      'node_modules/zod/index.js': '',
    });
    const result = await collectModuleFiles('stages/s.ts', root);
    assert.deepEqual(result, {
      ok: true,
      value: ['lib/config.ts', 'lib/deep.ts', 'lib/util.ts', 'src/fallback/two.ts', 'src/helpers/one.ts', 'stages/s.ts'],
    });
  });

  it('takes a computed dynamic import to reach every module its literal start and end can name', async () => {
    const root = await project({
      'stages/pick.ts': [
        'export default async function run(name: string, kind: string) {',
        '  const model = await import(`./models/${name}.js`);',
        "  const loss = await import('../losses/' + kind + '-loss.js');",
        '  const opaque = await import(name);',
        "  const pkg = await import('@scope/' + name);",
        '}',
      ].join('\n'),
      'stages/models/bilstm.ts': 'export const m = 1;',
      'stages/models/deep/transformer.ts': "import { t } from '../../../shared/tokens.js';\nexport const m = t;",
      'stages/models/notes.md': 'not code',
      'stages/models/types.d.ts': 'export type X = 1;',
      'shared/tokens.ts': 'export const t = 2;',
      'losses/ce-loss.ts': 'export const l = 1;',
      'losses/focal-loss.mts': 'export const l = 2;',
      'losses/readme.ts': 'export const r = 0;',
    });
    const result = await collectModuleFiles('stages/pick.ts', root);
    assert.ok(result.ok, JSON.stringify(!result.ok && result.error));
    assert.deepEqual(result.value, [
      'losses/ce-loss.ts',
      'stages/models/bilstm.ts',
      'stages/models/deep/transformer.ts',
      'shared/tokens.ts',
      'stages/pick.ts',
    ].sort());
  });

  it('reports a computed import from a directory that does not exist, at the import', async () => {
    const root = await project({ 'stages/pick.ts': 'export default (n: string) => import(`./gone/${n}.js`);\n' });
    const result = await collectModuleFiles('stages/pick.ts', root);
    assert.ok(!result.ok);
    assert.match(result.error[0]!.message, /cannot resolve the computed import of '\.\/gone\/…\.js' in stages\/pick\.ts: no such directory/);
    assert.deepEqual(result.error[0]!.location, { file: 'stages/pick.ts', line: 1, col: 31 });
  });

  it('reports a missing entry module', async () => {
    const root = await project({});
    const result = await collectModuleFiles('stages/none.ts', root);
    assert.ok(!result.ok && /stage module stages\/none.ts not found/.test(result.error[0]!.message));
  });
});

describe('resolutionCandidates', () => {
  it('prefers TypeScript sources for .js specifiers, then the file, extensions and index files', () => {
    assert.deepEqual(resolutionCandidates('lib/x.js').slice(0, 3), ['lib/x.ts', 'lib/x.tsx', 'lib/x.js']);
    assert.deepEqual(resolutionCandidates('lib/x').slice(0, 2), ['lib/x', 'lib/x.ts']);
    assert.ok(resolutionCandidates('lib/x').includes('lib/x/index.ts'));
  });
});

describe('the flagship stages', () => {
  // Run from dist/test/hash: the repository root is three levels up.
  const repoRoot = path.resolve(import.meta.dirname, '..', '..', '..');

  it('the code of every training stage includes the training loop and the models', async () => {
    for (const entry of ['stages/train.ts', 'stages/hpo.ts']) {
      const files = await collectModuleFiles(entry, repoRoot);
      assert.ok(files.ok, entry);
      for (const needed of ['stages/lib/train/train-model.ts', 'stages/lib/model/transformer.ts', 'stages/lib/model/bilstm.ts']) {
        assert.ok(files.value.includes(needed), `${entry} must depend on ${needed}`);
      }
    }
  });
});
