// A run with nothing to do must not load the YAML or the schema library: together they were most
// of the modules, and of the start-up time, of every no-op and every watch-mode check.
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const PIPELINE = `stages:
  make_a:
    cmd: cp in.txt a.txt
    deps: [in.txt]
    outs: [a.txt]
  make_b:
    cmd: cp a.txt b.txt
    deps: [a.txt]
    outs: [b.txt]
`;

test('a no-op run loads neither yaml nor zod; a run with a corrupt lock still reports it', async () => {
  const project = await tempProject({ 'pipeline.yaml': PIPELINE, 'in.txt': 'input\n' });
  try {
    const log = path.join(project.root, 'loaded.txt');
    await project.write(
      'log-loads.mjs',
      `import { appendFileSync } from 'node:fs';\nexport async function load(url, context, next) {\n  appendFileSync(${JSON.stringify(log)}, url + '\\n');\n  return next(url, context);\n}\n`,
    );
    const withHook = { NODE_OPTIONS: `--no-warnings --experimental-loader=${pathToFileURL(path.join(project.root, 'log-loads.mjs')).href}` };

    assert.equal((await runCli(project.root, ['run'])).exitCode, 0);
    await project.remove('loaded.txt');
    const noop = await runCli(project.root, ['run'], withHook);
    assert.equal(noop.exitCode, 0, noop.stderr);
    const loaded = (await readFile(log, 'utf8')).split('\n');
    assert.ok(loaded.some((url) => url.endsWith('/dist/bin/cli.js')), 'the hook saw the bundled CLI load');
    assert.deepEqual(loaded.filter((url) => /node_modules\/(yaml|zod)\//.test(url)), []);
    // The bundle marks where each module's code begins with a "// node_modules/…" comment.
    const bundled = loaded.filter((url) => url.startsWith('file:') && url.includes('/dist/bin/'));
    const withLibraries: string[] = [];
    for (const url of bundled) {
      if (/^\/\/ node_modules\/(yaml|zod)\//m.test(await readFile(new URL(url), 'utf8'))) withLibraries.push(url);
    }
    assert.deepEqual(withLibraries, []);

    // The lazy paths still work: a lock the parse memo does not know is parsed and validated.
    await project.write('dagmake.lock', 'schema: 1\nstages:\n  make_a: {definition: nothex, deps: [], params: {}, outs: []}\n');
    const corrupt = await runCli(project.root, ['run']);
    assert.notEqual(corrupt.exitCode, 0);
    assert.match(corrupt.stderr + corrupt.stdout, /dagmake\.lock.*definition/);
  } finally {
    await project.dispose();
  }
});
