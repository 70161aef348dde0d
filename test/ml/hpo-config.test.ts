import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { loadHpoConfig, parseHpoConfig } from '../../stages/lib/hpo/config.js';
import { parameterImportance } from '../../stages/lib/hpo/importance.js';
import { checkSearchParams } from '../../stages/lib/hpo/space-check.js';
import { toHyperparameters } from '../../stages/lib/hpo/trial-hyperparameters.js';
import type { FinishedTrial } from '../../stages/lib/hpo/types.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/dist\/?$/, '');

describe('HPO config', () => {
  it('loads the shipped smoke and prod configs', () => {
    const smoke = loadHpoConfig(join(repoRoot, 'config/hpo/smoke.yaml'));
    assert.equal(smoke.sampling.max_trials, 3);
    assert.equal(smoke.trial.epochs, 2);
    assert.equal(smoke.early_termination.policy, 'median');
    const prod = loadHpoConfig(join(repoRoot, 'config/hpo/prod.yaml'));
    assert.equal(prod.sampling.algorithm, 'tpe');
    assert.ok(prod.sampling.max_trials > smoke.sampling.max_trials);
  });

  it('optimises macro-F1 unless told otherwise, and refuses a goal against its metric', () => {
    const base = { search_space: { dropout: { type: 'uniform', min: 0, max: 0.3 } }, sampling: { algorithm: 'random', max_trials: 1 }, trial: { epochs: 1 } };
    assert.deepEqual(parseHpoConfig(base, 'x.yaml').objective, { metric: 'macro-f1', goal: 'maximize' });
    assert.deepEqual(parseHpoConfig({ ...base, objective: { metric: 'validation-loss' } }, 'x.yaml').objective, { metric: 'validation-loss', goal: 'minimize' });
    assert.deepEqual(parseHpoConfig({ ...base, objective: { metric: 'micro-f1', goal: 'maximize' } }, 'x.yaml').objective, { metric: 'micro-f1', goal: 'maximize' });
    assert.throws(() => parseHpoConfig({ ...base, objective: { metric: 'validation-loss', goal: 'maximize' } }, 'config/hpo/x.yaml'), (error: Error) => {
      assert.match(error.message, /^config\/hpo\/x\.yaml: invalid HPO config\n {2}objective\.goal: maximize validation-loss would pick the worst trial; use goal: minimize/);
      return true;
    });
  });

  it('names the file and every bad key', () => {
    assert.throws(
      () =>
        parseHpoConfig(
          {
            search_space: { lr: { type: 'loguniform', min: 0, max: 1 }, h: { type: 'int', min: 9, max: 3 } },
            sampling: { algorithm: 'bayes', max_trials: 4 },
            early_termination: { policy: 'bandit' },
            objective: { metric: 'macro-f1', goal: 'maximize' },
            trial: { epochs: 3, epochz: 1 },
          },
          'config/hpo/x.yaml',
        ),
      (error: Error) => {
        assert.match(error.message, /^config\/hpo\/x\.yaml: invalid HPO config/);
        for (const key of ['search_space.lr.min', 'search_space.h', 'sampling.algorithm', 'early_termination', 'trial']) {
          assert.ok(error.message.includes(`\n  ${key}:`), `mentions ${key}:\n${error.message}`);
        }
        assert.match(error.message, /exactly one of slack_factor or slack_amount/);
        assert.match(error.message, /Unrecognized key: "epochz"/);
        return true;
      },
    );
  });

  it('accepts every name and range of the shipped configs, noting model settings a backbone lacks', () => {
    const notes = (file: string, backbone: string, model: string) =>
      checkSearchParams({
        config: loadHpoConfig(join(repoRoot, file)),
        configPath: file,
        backbone,
        model: { ...(parseYaml(readFileSync(join(repoRoot, model), 'utf8')) as object), backbone },
      });
    for (const file of ['config/hpo/smoke.yaml', 'config/hpo/prod.yaml']) {
      assert.deepEqual(notes(file, 'bilstm', 'config/model/bilstm.yaml'), []);
      assert.deepEqual(notes(file, 'transformer', 'config/model/transformer.yaml'), [
        'note: search_space.hidden does not apply to transformer trials (a model setting of bilstm only); it is recorded with each trial but changes nothing',
      ]);
    }
    for (const backbone of ['bilstm', 'transformer']) assert.deepEqual(notes('config/hpo/wnut17.yaml', backbone, `config/model/${backbone}.wnut17.yaml`), []);
  });

  it('a trial rejects a value training does not accept', () => {
    const trial = parseHpoConfig(
      { search_space: { dropout: { type: 'uniform', min: 0, max: 0.3 } }, sampling: { algorithm: 'random', max_trials: 1 }, objective: { metric: 'macro-f1', goal: 'maximize' }, trial: { epochs: 1 } },
      'x.yaml',
    ).trial;
    assert.equal(toHyperparameters({ dropout: 0.9, hidden: 64 }, trial).dropout, 0.9);
    assert.throws(() => toHyperparameters({ dropout: 1.259 }, trial), /^TypeError: dropout: 1\.259 is not accepted \(Too big: expected number to be <=0\.9\)$/);
  });

  it('reports YAML syntax errors with the file name', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hpo-config-'));
    try {
      await writeFile(join(dir, 'bad.yaml'), 'sampling: {algorithm: tpe\n');
      assert.throws(() => loadHpoConfig(join(dir, 'bad.yaml')), /bad\.yaml: not valid YAML/);
      assert.throws(() => loadHpoConfig(join(dir, 'missing.yaml')), /missing\.yaml: cannot read HPO config/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('parameter importance', () => {
  it('ranks the parameter that drives the objective first', () => {
    const trials: FinishedTrial[] = Array.from({ length: 24 }, (_, n) => {
      const hidden = [32, 64, 96][n % 3] as number;
      const dropout = ((n * 7) % 10) / 40;
      const value = hidden === 64 ? 0.8 : 0.5 + dropout * 0.01;
      return { number: n, params: { hidden, dropout }, state: 'complete', value, lastStep: 1, intermediate: [] };
    });
    const importance = parameterImportance(
      { hidden: { type: 'int', min: 32, max: 96, step: 32 }, dropout: { type: 'uniform', min: 0, max: 0.3 } },
      trials,
    );
    assert.ok((importance.hidden as number) > 0.9, JSON.stringify(importance));
    assert.ok(Math.abs((importance.hidden as number) + (importance.dropout as number) - 1) < 1e-12);
  });
});
