// The repository's own pipelines: both load, share outputs/ and .dagmake/ without clashing, and
// each train stage declares the files its training config makes it read and write.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { formatDiagnostic } from '../../src/errors.js';
import { loadPipeline } from '../../src/pipeline/load-pipeline.js';
import type { Pipeline } from '../../src/pipeline/types.js';

const root = process.cwd();

async function load(file: string): Promise<Pipeline> {
  const result = await loadPipeline(path.join(root, file), { displayPath: file });
  if (!result.ok) assert.fail(result.error.map(formatDiagnostic).join('\n'));
  return result.value;
}

test('pipeline.yaml and pipeline.wnut17.yaml load and never name the same stage or output', async () => {
  const [flagship, wnut17] = await Promise.all([load('pipeline.yaml'), load('pipeline.wnut17.yaml')]);
  const flagshipNames = new Set(flagship.stages.map((s) => s.name));
  assert.deepEqual(wnut17.stages.map((s) => s.name).filter((name) => flagshipNames.has(name)), []);
  assert.ok(wnut17.stages.every((s) => s.name.startsWith('wnut17_')));
  const flagshipOuts = flagship.stages.flatMap((s) => s.outs.map((o) => o.path));
  for (const out of wnut17.stages.flatMap((s) => s.outs.map((o) => o.path))) {
    assert.ok(out.startsWith('outputs/wnut17/'), out);
    assert.ok(!flagshipOuts.some((other) => other === out || out.startsWith(`${other}/`) || other.startsWith(`${out}/`)), out);
  }
});

test('each final training stage tracks its config and declares the dataset, winner and output it names', async () => {
  for (const file of ['pipeline.yaml', 'pipeline.wnut17.yaml']) {
    const pipeline = await load(file);
    const finals = pipeline.stages.filter((s) => s.uses === 'stages/train.ts' && s.with['mode'] === 'final');
    assert.equal(finals.length, 1, file);
    const stage = finals[0]!;
    const configFile = String(stage.with['config'] ?? 'config/train.yaml');
    const params = stage.params.find((p) => p.file === configFile);
    assert.ok(params, `${file}: ${stage.name} reads ${configFile} but does not list it under params`);
    assert.ok(params.keys === undefined || params.keys.includes('final'), `${file}: ${stage.name} does not track ${configFile}'s final section`);
    const final = (parseYaml(readFileSync(path.join(root, configFile), 'utf8')) as { final: Record<string, string> }).final;
    const deps = stage.deps.map((d) => d.path);
    assert.ok(deps.includes(final['dataset']!), `${file}: ${stage.name} reads ${final['dataset']} without depending on it`);
    assert.ok(deps.includes(final['best_configuration']!), `${file}: ${stage.name} reads ${final['best_configuration']} without depending on it`);
    assert.deepEqual(stage.outs.map((o) => o.path), [final['out']], `${file}: ${stage.name} writes ${final['out']}`);
  }
});
