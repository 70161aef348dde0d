// Bundles the compiled CLI (dist/src/cli.js) into dist/bin/: one file for the entry and one per
// lazily imported part. Node resolves, reads and compiles each ES module on its own, and the CLI
// with zod and yaml is some 300 modules: the bundle starts a first build about 0.1 s sooner.
// Lazy imports stay lazy (code splitting), so a no-op run still loads neither yaml nor zod.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outdir = path.join(root, 'dist', 'bin');

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [path.join(root, 'dist', 'src', 'cli.js')],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Chunks sit beside the entry, at the same depth as dist/src/cli.js, so paths the CLI resolves
  // from its own location (../../package.json) hold in both.
  chunkNames: '[name]-[hash]',
  // Ink imports the React devtools only when DEV=true; they are not installed. TypeScript (read
  // only to find a stage module's imports) is one large CommonJS file that finds its own files.
  external: ['react-devtools-core', 'typescript'],
  // CommonJS dependencies (yaml) call require(); an ES module has none of its own.
  banner: { js: "import { createRequire as __dagmakeRequire } from 'node:module';\nconst require = __dagmakeRequire(import.meta.url);" },
  logLevel: 'warning',
});
