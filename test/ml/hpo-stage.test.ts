import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type HpoStageContext, runHpoStage } from '../../stages/lib/hpo/hpo-stage.js';
import { findStudies, formatBestConfiguration, selectBest } from '../../stages/lib/hpo/select-best.js';
import type { StudyFile } from '../../stages/lib/hpo/study-files.js';
import type { TrainModelFn } from '../../stages/lib/hpo/trial-runner.js';
import type { EpochRecord, TrainOptions } from '../../stages/lib/train/types.js';
import type { RunInfo, RunRecord } from '../../stages/lib/tracking/run-record.js';

const CONFIG = (maxTrials: number) => `
search_space:
  backbone: {type: choice, values: [bilstm, transformer]}
  learning_rate: {type: loguniform, min: 0.0005, max: 0.01}
  dropout: {type: uniform, min: 0.0, max: 0.3}
  hidden: {type: int, min: 32, max: 96, step: 32}
sampling: {algorithm: random, max_trials: ${maxTrials}, seed: 7}
early_termination: {policy: median, evaluation_interval: 1, delay_evaluation: 1, n_startup_trials: 2}
objective: {metric: macro-f1, goal: maximize}
trial: {epochs: 3, patience: 2}
`;

/** A deterministic stand-in for the training core: macro-F1 rises per epoch, peaks at lr≈0.003, hidden 64. */
function fakeTrainer(calls: TrainOptions[]): TrainModelFn {
  return async (options) => {
    calls.push(options);
    const lr = options.hyper.learningRate;
    const hidden = options.hyper.model?.hidden as number;
    const level = 0.9 - 0.15 * Math.abs(Math.log10(lr / 0.003)) - (hidden === 64 ? 0 : 0.1) + (options.model.backbone === 'transformer' ? 0.02 : 0);
    const history: EpochRecord[] = [];
    await mkdir(options.outDir, { recursive: true });
    await writeFile(join(options.outDir, 'weights.bin'), 'w');
    for (let epoch = 1; epoch <= options.hyper.epochs; epoch++) {
      const f1 = level * (epoch / options.hyper.epochs);
      const record: EpochRecord = {
        epoch,
        trainLoss: 1 / epoch,
        validationLoss: 1.2 / epoch,
        validation: { microF1: f1, macroF1: f1, microPrecision: f1, microRecall: f1, tokenAccuracy: 0.9, perType: {} },
        learningRate: lr,
      };
      history.push(record);
      if ((await options.onEpoch?.(record)) === 'stop') return { backend: 'cpu', history, bestEpoch: epoch, stoppedEarly: true, checkpointDir: options.outDir };
    }
    return { backend: 'cpu', history, bestEpoch: history.length, stoppedEarly: false, checkpointDir: options.outDir };
  };
}

/** A StageContext stand-in whose memo computes into the unit's directory and caches by key. */
function fakeContext(root: string, backbone: string, cache: Map<string, unknown>) {
  const progress: { current: number; total?: number; message?: string; task?: string }[] = [];
  const warnings: string[] = [];
  const infos: string[] = [];
  const hits: boolean[] = [];
  const ctx: HpoStageContext = {
    stage: `hpo@${backbone}`,
    root,
    with: { backbone, config: 'config/hpo/test.yaml' },
    resolve: (p) => join(root, p),
    runInfoDir: join(root, '.dagmake/run-info', `hpo@${backbone}`),
    log: { info: (m) => infos.push(m), warn: (m) => warnings.push(m) },
    progress: (p) => progress.push(p),
    metric: () => {},
    async memo<T>(key: unknown, options: { dir: string }, compute: (dir: string) => Promise<T>) {
      const id = JSON.stringify(key);
      const dir = join(root, options.dir);
      if (cache.has(id)) {
        hits.push(true);
        return { dir, value: cache.get(id) as T, hit: true };
      }
      hits.push(false);
      await mkdir(dir, { recursive: true });
      const value = await compute(dir);
      cache.set(id, value);
      return { dir, value, hit: false };
    },
    signal: new AbortController().signal,
  };
  return { ctx, progress, warnings, infos, hits };
}

describe('hpo stage', () => {
  let root: string;
  const cache = new Map<string, unknown>();
  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'hpo-stage-'));
    const sample = { id: 's1', text: 'Jane Doe', tokens: ['Jane', 'Doe'], offsets: [[0, 4], [5, 8]], tags: ['B-NAME', 'I-NAME'] };
    await mkdir(join(root, 'outputs/dataset'), { recursive: true });
    await writeFile(join(root, 'outputs/dataset/train.json'), JSON.stringify([sample]));
    await writeFile(join(root, 'outputs/dataset/validation.json'), JSON.stringify([sample]));
    await writeFile(join(root, 'outputs/dataset/labels.json'), JSON.stringify({ entityTypes: ['NAME'], tags: ['O', 'B-NAME', 'I-NAME'] }));
    await mkdir(join(root, 'config/model'), { recursive: true });
    await mkdir(join(root, 'config/hpo'), { recursive: true });
    await writeFile(join(root, 'config/model/bilstm.yaml'), 'wordDim: 32\n');
    await writeFile(join(root, 'config/model/transformer.yaml'), 'layers: 1\n');
  });
  after(() => rm(root, { recursive: true, force: true }));

  it('runs a study, writes its files and records each trial', async () => {
    await writeFile(join(root, 'config/hpo/test.yaml'), CONFIG(6));
    const calls: TrainOptions[] = [];
    const { ctx, progress, warnings } = fakeContext(root, 'bilstm', cache);
    const study = await runHpoStage(ctx, { trainModel: async () => fakeTrainer(calls), env: {} });

    assert.deepEqual(warnings, []);
    assert.equal(calls.length, 6);
    assert.equal(calls[0]?.model.backbone, 'bilstm');
    assert.equal(calls[0]?.model.wordDim, 32);
    assert.equal(calls[0]?.hyper.epochs, 3);
    assert.equal(calls[0]?.seed, 7);
    assert.deepEqual(calls[0]?.objective, { metric: 'macro-f1', goal: 'maximize' }, 'a trial keeps the checkpoint its objective scores best');
    assert.ok(!('backbone' in (study.trials[0]?.params ?? {})), 'backbone is not searched inside a backbone study');
    assert.equal(study.trials.length, 6);
    assert.ok(study.trials.some((t) => t.state === 'pruned'), 'the median pruner stopped a weak trial');
    const bestValue = Math.max(...study.trials.filter((t) => t.state === 'complete').map((t) => t.objective as number));
    assert.equal(study.best?.objective, bestValue);

    const dir = join(root, 'outputs/hpo/bilstm');
    const onDisk = JSON.parse(await readFile(join(dir, 'study.json'), 'utf8')) as StudyFile;
    assert.deepEqual(onDisk.trials.map((t) => t.number), [0, 1, 2, 3, 4, 5]);
    assert.equal(onDisk.trials[2]?.dir, 'outputs/hpo/bilstm/trial_2');
    assert.match(onDisk.lineage.dataHash, /^[0-9a-f]{64}$/);
    const importances = Object.values(onDisk.importance.values);
    assert.ok(Math.abs(importances.reduce((a, b) => a + b, 0) - 1) < 1e-9);
    for (const file of ['report.md', 'objective-by-trial.svg', 'param-importance.svg', 'run.json']) await stat(join(dir, file));
    assert.match(await readFile(join(dir, 'report.md'), 'utf8'), /fANOVA-lite/);
    assert.match(await readFile(join(dir, 'objective-by-trial.svg'), 'utf8'), /^<svg[^>]*>/);

    const run = JSON.parse(await readFile(join(dir, 'trial_0/run.json'), 'utf8')) as RunRecord;
    assert.equal(run.metrics['validation/macro_f1']?.length, onDisk.trials[0]?.lastStep);
    assert.deepEqual(run.artifacts, ['metrics.json', 'weights.bin']);

    // Durations and times are run info: neither in the outputs nor in a trial's cached files.
    const outputs = [join(dir, 'study.json'), join(dir, 'report.md'), join(dir, 'run.json'), ...[0, 1, 2, 3, 4, 5].flatMap((n) => ['run.json', 'metrics.json'].map((f) => join(dir, `trial_${n}`, f)))];
    for (const file of outputs) assert.doesNotMatch(await readFile(file, 'utf8'), /duration|seconds|[Tt]ime(stamp)?"/, file);
    const info = join(root, '.dagmake/run-info/hpo@bilstm');
    const trials = JSON.parse(await readFile(join(info, 'trials.json'), 'utf8')) as { trials: { number: number; restored: boolean; durationMs: number }[] };
    assert.deepEqual(trials.trials.map((t) => [t.number, t.restored]), [0, 1, 2, 3, 4, 5].map((n) => [n, false]));
    assert.ok(trials.trials.every((t) => Number.isInteger(t.durationMs) && t.durationMs >= 0));
    const trialInfo = JSON.parse(await readFile(join(info, 'trial_0/run.json'), 'utf8')) as RunInfo;
    assert.equal(trialInfo.name, 'hpo@bilstm trial 0');
    assert.ok(trialInfo.endTime >= trialInfo.startTime);
    assert.equal(calls[0]?.runInfoDir, join(info, 'trial_0'));
    const metrics = JSON.parse(await readFile(join(dir, 'trial_0/metrics.json'), 'utf8')) as { state: string; value: number };
    assert.equal(metrics.state, onDisk.trials[0]?.state);
    assert.equal(metrics.value, onDisk.trials[0]?.objective);

    assert.equal(progress.at(-1)?.current, 6);
    assert.equal(progress.at(-1)?.total, 6);
    assert.match(progress.filter((p) => p.task === undefined).at(-1)?.message ?? '', /^best macro-f1 0\.\d{4}$/);
  });

  it('raising max_trials trains only the new trials and replays cached (incl. pruned) results', async () => {
    const before = JSON.parse(await readFile(join(root, 'outputs/hpo/bilstm/study.json'), 'utf8')) as StudyFile;
    await writeFile(join(root, 'config/hpo/test.yaml'), CONFIG(9));
    const calls: TrainOptions[] = [];
    const { ctx, hits } = fakeContext(root, 'bilstm', cache);
    const study = await runHpoStage(ctx, { trainModel: async () => fakeTrainer(calls), env: {} });
    assert.equal(calls.length, 3);
    assert.deepEqual(hits, [true, true, true, true, true, true, false, false, false]);
    assert.deepEqual(study.trials.slice(0, 6), before.trials);
    const info = JSON.parse(await readFile(join(root, '.dagmake/run-info/hpo@bilstm/trials.json'), 'utf8')) as { trials: { restored: boolean }[] };
    assert.deepEqual(info.trials.map((t) => t.restored), hits);
  });

  it('selects the best trial per backbone and overall, byte-identically on rerun', async () => {
    await writeFile(join(root, 'config/hpo/test.yaml'), CONFIG(6));
    await runHpoStage(fakeContext(root, 'transformer', cache).ctx, { trainModel: async () => fakeTrainer([]), env: {} });
    const studies = await findStudies(root, 'outputs/hpo');
    assert.deepEqual(studies, ['outputs/hpo/bilstm/study.json', 'outputs/hpo/transformer/study.json']);
    const first = formatBestConfiguration(await selectBest(root, studies));
    const parsed = JSON.parse(first) as { best: { backbone: string; objective: number }; backbones: Record<string, { objective: number }> };
    const winner = Object.entries(parsed.backbones).sort(([, a], [, b]) => b.objective - a.objective)[0]?.[0];
    assert.equal(parsed.best.backbone, winner);
    assert.deepEqual(Object.keys(JSON.parse(first)), ['backbones', 'best', 'objective']);

    // Rerunning both studies from the memo cache changes nothing the selection reads.
    await runHpoStage(fakeContext(root, 'transformer', cache).ctx, { trainModel: async () => assert.fail('all trials cached'), env: {} });
    assert.equal(formatBestConfiguration(await selectBest(root, studies)), first);
  });

  it('explains a missing backbone and an invalid config', async () => {
    const { ctx } = fakeContext(root, 'bilstm', cache);
    await assert.rejects(runHpoStage({ ...ctx, with: {} }, { trainModel: async () => fakeTrainer([]) }), /hpo@bilstm: with\.backbone is required/);
    await writeFile(join(root, 'config/hpo/test.yaml'), CONFIG(0));
    await assert.rejects(runHpoStage(ctx, { trainModel: async () => fakeTrainer([]) }), /test\.yaml: invalid HPO config\n {2}sampling\.max_trials/);
    await writeFile(join(root, 'config/hpo/test.yaml'), CONFIG(2).replace('[bilstm, transformer]', '[transformer]'));
    await assert.rejects(runHpoStage(ctx, { trainModel: async () => fakeTrainer([]) }), /search_space\.backbone lists transformer but this stage runs backbone 'bilstm'/);
  });

  it('rejects a misspelt setting in the model config file, before any trial runs', async () => {
    await writeFile(join(root, 'config/hpo/test.yaml'), CONFIG(2));
    await writeFile(join(root, 'config/model/bilstm.yaml'), 'wordDim: 32\nhiden: 96\n');
    const calls: TrainOptions[] = [];
    const { ctx } = fakeContext(root, 'bilstm', new Map());
    try {
      await assert.rejects(runHpoStage(ctx, { trainModel: async () => fakeTrainer(calls), env: {} }), (error: Error & { stageInputError?: boolean }) => {
        assert.match(error.message, /^config\/model\/bilstm\.yaml: unknown bilstm model setting 'hiden' \(did you mean 'hidden'\?\)/);
        assert.equal(error.stageInputError, true);
        return true;
      });
      assert.equal(calls.length, 0);
    } finally {
      await writeFile(join(root, 'config/model/bilstm.yaml'), 'wordDim: 32\n');
    }
  });

  it('rejects a search-space name no trial would use, before any trial runs', async () => {
    await writeFile(join(root, 'config/hpo/test.yaml'), CONFIG(2).replace('learning_rate:', 'learning_rat:'));
    const calls: TrainOptions[] = [];
    const { ctx } = fakeContext(root, 'bilstm', new Map());
    await assert.rejects(runHpoStage(ctx, { trainModel: async () => fakeTrainer(calls), env: {} }), (error: Error & { stageInputError?: boolean }) => {
      assert.match(error.message, /^config\/hpo\/test\.yaml: invalid search parameters\n {2}search_space\.learning_rat: unknown name/);
      assert.match(error.message, /did you mean "learning_rate"\?/);
      assert.match(error.message, /training hyperparameters: learning_rate, batch_size, dropout/);
      assert.match(error.message, /bilstm model settings: .*hidden/);
      assert.match(error.message, /transformer model settings: .*dModel/);
      assert.equal(error.stageInputError, true);
      return true;
    });
    assert.equal(calls.length, 0);

    // A model setting counts only for a backbone the search can pick.
    await writeFile(join(root, 'config/hpo/test.yaml'), CONFIG(2).replace('[bilstm, transformer]', '[bilstm]').replace('hidden:', 'dModel:'));
    await assert.rejects(runHpoStage(ctx, { trainModel: async () => fakeTrainer(calls), env: {} }), /search_space\.dModel: unknown name: neither a training hyperparameter nor a model setting of bilstm,/);
    await writeFile(join(root, 'config/hpo/test.yaml'), CONFIG(2).replace('trial: {epochs: 3, patience: 2}', 'trial: {epochs: 3, patience: 2, defaults: {clipnorm: 1}}'));
    await assert.rejects(runHpoStage(ctx, { trainModel: async () => fakeTrainer(calls), env: {} }), /trial\.defaults\.clipnorm: unknown name.*did you mean "clip_norm"/);
    assert.equal(calls.length, 0);
  });

  it('notes once a model setting the study backbone lacks, and trains as before', async () => {
    await writeFile(join(root, 'config/hpo/test.yaml'), CONFIG(3));
    const calls: TrainOptions[] = [];
    const transformer = fakeContext(root, 'transformer', new Map());
    await runHpoStage(transformer.ctx, { trainModel: async () => fakeTrainer(calls), env: {} });
    assert.deepEqual(transformer.infos.filter((m) => m.includes('note:')), [
      'note: search_space.hidden does not apply to transformer trials (a model setting of bilstm only); it is recorded with each trial but changes nothing',
    ]);
    assert.equal(calls.length, 3);
    assert.ok(calls.every((c) => typeof c.hyper.model?.hidden === 'number'), 'the value still reaches the trainer, as before');
    const bilstm = fakeContext(root, 'bilstm', new Map());
    await runHpoStage(bilstm.ctx, { trainModel: async () => fakeTrainer([]), env: {} });
    assert.deepEqual(bilstm.infos.filter((m) => m.includes('note:')), []);
  });

  it('rejects search ranges and defaults that training does not accept, before any trial runs', async () => {
    const calls: TrainOptions[] = [];
    const { ctx } = fakeContext(root, 'bilstm', new Map());
    const space = CONFIG(2)
      .replace('dropout: {type: uniform, min: 0.0, max: 0.3}', 'dropout: {type: uniform, min: 0.9, max: 1.5}')
      .replace('hidden: {type: int, min: 32, max: 96, step: 32}', 'hidden: {type: uniform, min: 32, max: 96}\n  batch_size: {type: choice, values: [16, 0]}')
      .replace('trial: {epochs: 3, patience: 2}', 'trial: {epochs: 3, patience: 2, defaults: {schedule: cosin}}');
    await writeFile(join(root, 'config/hpo/test.yaml'), space);
    await assert.rejects(runHpoStage(ctx, { trainModel: async () => fakeTrainer(calls), env: {} }), (error: Error) => {
      const lines = error.message.split('\n');
      assert.equal(lines[0], 'config/hpo/test.yaml: invalid search parameters');
      assert.match(lines[1] ?? '', /^ {2}search_space\.dropout\.max: max 1\.5 is not accepted by training \(.*<=0\.9\)$/);
      assert.match(lines[2] ?? '', /^ {2}search_space\.hidden\.type: a uniform draw such as 64\.5 is not accepted by the bilstm model config \(.*expected int.*\); use type: int or choice$/);
      assert.match(lines[3] ?? '', /^ {2}search_space\.batch_size\.values\.1: value 0 is not accepted by training \(.*>0\)$/);
      assert.match(lines[4] ?? '', /^ {2}trial\.defaults\.schedule: "cosin" is not accepted by training \(.*"linear"\|"cosine"\|"constant"\)$/);
      assert.equal(lines.at(-1), 'Fix these keys and run again.');
      assert.equal(lines.length, 6);
      return true;
    });
    assert.equal(calls.length, 0);
  });

  it('logs why each trial failed and fails the stage when none completed', async () => {
    const sample = { id: 's1', text: 'Jane Doe', tokens: ['Jane', 'Doe'], offsets: [[0, 4], [5, 8]], tags: ['B-NAME', 'I-NAME'] };
    await mkdir(join(root, 'outputs/dataset_noval'), { recursive: true });
    await writeFile(join(root, 'outputs/dataset_noval/train.json'), JSON.stringify([sample]));
    await writeFile(join(root, 'outputs/dataset_noval/validation.json'), '[]');
    await writeFile(join(root, 'outputs/dataset_noval/labels.json'), JSON.stringify({ entityTypes: ['NAME'], tags: ['O', 'B-NAME', 'I-NAME'] }));
    await writeFile(join(root, 'config/hpo/test.yaml'), CONFIG(2));
    // Like the real trainer: without a validation split no epoch is scored.
    const calls: TrainOptions[] = [];
    const unscored: TrainModelFn = async (options) => {
      calls.push(options);
      const scored = options.validation.length > 0 ? await fakeTrainer([])(options) : undefined;
      return scored ?? { backend: 'cpu', history: [], bestEpoch: options.hyper.epochs, stoppedEarly: false, checkpointDir: options.outDir };
    };
    const noValidation = fakeContext(root, 'bilstm', new Map());
    const ctx = { ...noValidation.ctx, with: { ...noValidation.ctx.with, dataset: 'outputs/dataset_noval', out: 'outputs/hpo_noval/bilstm' } };
    await assert.rejects(
      runHpoStage(ctx, { trainModel: async () => unscored, env: {} }),
      /^InputError: hpo@bilstm: no trial completed \(2 failed, 0 pruned of 2\); trial 0 failed: validation split is empty: a trial is scored on it \(macro-f1\)/,
    );
    assert.equal(calls.length, 0, 'no trial trains without a validation split');
    assert.deepEqual(
      noValidation.warnings.map((m) => m.replace(/in \d+\.\d s/, 'in N s')),
      [0, 1].map((n) => `trial ${n}: failed in N s: validation split is empty: a trial is scored on it (macro-f1); check the dataset's validation.json`),
    );

    const crashing = fakeContext(root, 'bilstm', new Map());
    const crashCtx = { ...crashing.ctx, with: { ...crashing.ctx.with, out: 'outputs/hpo_crash/bilstm' } };
    const crash: TrainModelFn = async () => {
      throw new Error('out of memory\n    at kernel');
    };
    await assert.rejects(runHpoStage(crashCtx, { trainModel: async () => crash, env: {} }), /trial 0 failed: out of memory\. Fix that and run again \(all trials: outputs\/hpo_crash\/bilstm\/report\.md\)$/);
    assert.match(crashing.warnings[0] ?? '', /^trial 0: failed in \d+\.\d s: out of memory$/);
  });
});
