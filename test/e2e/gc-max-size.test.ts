// `gc --max-size` keeps the newest runs' cached outputs that fit, so going back to a recent config
// still restores, and the cache stops growing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli } from '../helpers/run-cli.js';
import { tempProject } from '../helpers/temp-project.js';

const KB = 1024;

test('gc --max-size keeps the runs that fit, newest first; an older config then reruns, a newer one restores', async (t) => {
  const project = await tempProject({
    'pipeline.yaml': 'stages:\n  big:\n    cmd: head -c 10240 /dev/zero | tr "\\\\0" "$(cat v.txt)" > out.bin\n    deps: [v.txt]\n    outs: [out.bin]\n',
  });
  t.after(() => project.dispose());
  for (const v of ['a', 'b', 'c']) {
    await project.write('v.txt', v);
    const run = await runCli(project.root, ['run']);
    assert.equal(run.exitCode, 0, run.stderr);
  }
  // The lock references c's 10 KB; with 25 KB allowed, b's 10 KB fit, a's do not.
  const gc = await runCli(project.root, ['gc', '--max-size', '25K']);
  assert.equal(gc.exitCode, 0, gc.stderr);
  assert.match(gc.stdout, /^removed 1 object \(10\.0 KB\), 1 run-cache entry/m);
  assert.match(gc.stdout, /^kept 20\.0 KB of the 25\.0 KB allowed: what the locks reference and the entries of the last 2 runs$/m);

  const statusOf = async (v: string) => {
    await project.write('v.txt', v);
    const run = await runCli(project.root, ['run', '--json']);
    assert.equal(run.exitCode, 0, run.stderr);
    return run.events.flatMap((e) => (e.type === 'stage' ? [e.status] : []))[0];
  };
  assert.equal(await statusOf('b'), 'restored');
  assert.equal(await statusOf('a'), 'ran', "a's output was removed");

  const tight = await runCli(project.root, ['gc', '--max-size', `${5 * KB}`, '--dry']);
  assert.match(tight.stdout, /would keep 10\.0 KB of the 5\.0 KB allowed: only what the locks reference; the locks alone reference 10\.0 KB, over the limit/);
  const bad = await runCli(project.root, ['gc', '--max-size', 'lots']);
  assert.equal(bad.exitCode, 2);
  assert.match(bad.stderr, /expected --max-size to be a size such as 500M or 10G, got "lots"/);
});
