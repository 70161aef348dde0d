// The repository's own pipeline, end to end through the engine, on a tiny configuration.
import assert from 'node:assert/strict';
import { copyFile, readFile, stat, symlink } from 'node:fs/promises';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { DagEvent } from '../../src/events.js';
import { parseEvents, runCli, spawnCli, stagesWithStatus, statuses } from '../helpers/run-cli.js';
import { tempProject, type TempProject } from '../helpers/temp-project.js';

const repo = process.cwd();

const hpoConfig = (maxTrials: number, timeout = 10) => `
search_space:
  learning_rate: {type: loguniform, min: 0.003, max: 0.02}
  dropout: {type: uniform, min: 0.0, max: 0.2}
sampling: {algorithm: random, max_trials: ${maxTrials}, timeout_minutes: ${timeout}, seed: 7, parallelism: 1}
early_termination: {policy: none}
objective: {metric: macro-f1, goal: maximize}
trial: {epochs: 1, patience: 0}
`;

const trainConfig = `
backend: auto
seed: 42
hyperparameters: {learningRate: 0.01, batchSize: 16, epochs: 1, dropout: 0.1, weightDecay: 0.01, warmupRatio: 0.1, schedule: linear, clipNorm: 1.0, patience: 0, classWeighting: false}
dry_run: {backbone: bilstm, epochs: 1, batchSize: 4, dataset: outputs/dataset_tiny, out: outputs/dry_run}
final: {epochs: 1, seed: 42, dataset: outputs/dataset, best_configuration: outputs/best_configuration.json, out: outputs/final_training}
`;

const ALL_STAGES = ['dataset', 'dataset_tiny', 'dry_run', 'evaluate', 'export_onnx', 'final', 'hpo@bilstm', 'hpo@transformer', 'select'];

/** Every stage's recorded outs (path and content hash), from the project's dagmake.lock. */
async function lockedOuts(project: TempProject): Promise<Record<string, string[]>> {
  const lock = parseYaml(await project.read('dagmake.lock')) as { stages: Record<string, { outs: { path: string; hash: string }[] }> };
  return Object.fromEntries(Object.entries(lock.stages).map(([stage, entry]) => [stage, entry.outs.map((out) => `${out.path} ${out.hash}`)]));
}

/** Memo units of the HPO stages: how many were computed and how many restored, per stage. */
function trialCounts(events: readonly DagEvent[]): Record<string, { computed: number; restored: number }> {
  const counts: Record<string, { computed: number; restored: number }> = {};
  for (const event of events) {
    if (event.type !== 'stage-progress' || !event.task?.startsWith('trial ')) continue;
    const entry = (counts[event.stage] ??= { computed: 0, restored: 0 });
    if (event.message === 'done') entry.computed++;
    if (event.message === 'restored from cache') entry.restored++;
  }
  return counts;
}

describe('flagship pipeline (tiny configuration)', { timeout: 600_000 }, () => {
  let project: TempProject;
  before(async () => {
    project = await tempProject({
      'config/data/resume.yaml': 'source: embedded\nseed: 13\nsize: {train: 50, validation: 15}\nsplit: {validation: 0.15, test: 0.2, seed: 13}\nrepair: {mismatch: relocate, overlap: longest}\n',
      'config/train.yaml': trainConfig,
      'config/hpo/smoke.yaml': hpoConfig(2),
    });
    for (const file of ['pipeline.yaml', 'config/data/resume_tiny.yaml', 'config/model/bilstm.yaml', 'config/model/transformer.yaml']) {
      await project.write(file, '');
      await copyFile(path.join(repo, file), path.join(project.root, file));
    }
    await symlink(path.join(repo, 'stages'), path.join(project.root, 'stages'));
    await symlink(path.join(repo, 'src'), path.join(project.root, 'src'));
    await symlink(path.join(repo, 'node_modules'), path.join(project.root, 'node_modules'));
  });
  after(() => project.dispose());

  test('first run: every stage runs and the ONNX models exist', async () => {
    const result = await runCli(project.root, ['run', '--json']);
    assert.equal(result.exitCode, 0, result.stdout.slice(-3000) + result.stderr);
    assert.deepEqual(stagesWithStatus(result.events, 'ran'), ALL_STAGES);
    assert.deepEqual(trialCounts(result.events), {
      'hpo@bilstm': { computed: 2, restored: 0 },
      'hpo@transformer': { computed: 2, restored: 0 },
    });
    for (const file of ['outputs/onnx_model/model.onnx', 'outputs/onnx_model/model_int8.onnx', 'outputs/best_configuration.json']) {
      assert.ok((await stat(path.join(project.root, file))).size > 0, file);
    }
    const smoke = JSON.parse(await project.read('outputs/onnx_model/smoke.json')) as { passed: boolean };
    assert.equal(smoke.passed, true);
  });

  test('second run is a no-op', async () => {
    const result = await runCli(project.root, ['run', '--json']);
    assert.equal(stagesWithStatus(result.events, 'up-to-date').length, ALL_STAGES.length);
  });

  test('rerunning every stage reproduces every output byte for byte; what the clock decides is run info', async () => {
    const first = await lockedOuts(project);
    assert.deepEqual(Object.keys(first).sort(), ALL_STAGES);
    // Trials computed by the first run left their own timing (a forced rerun restores them instead).
    const trialTiming = JSON.parse(await project.read('.dagmake/run-info/hpo@bilstm/trial_0/timing.json')) as { epochs: unknown[] };
    assert.equal(trialTiming.epochs.length, 1);

    const result = await runCli(project.root, ['run', '--json', '--force', '--no-run-cache']);
    assert.equal(result.exitCode, 0, result.stdout.slice(-3000) + result.stderr);
    assert.deepEqual(stagesWithStatus(result.events, 'ran'), ALL_STAGES);
    assert.deepEqual(await lockedOuts(project), first);

    const info = async (stage: string, file: string) => JSON.parse(await project.read(`.dagmake/run-info/${stage}/${file}`)) as Record<string, unknown>;
    for (const stage of ['dry_run', 'final']) {
      const timing = (await info(stage, 'timing.json')) as { epochs: { durationMs: number }[]; checkpoints: Record<string, { savedAt: string }> };
      assert.equal(timing.epochs.length, 1, stage);
      assert.ok(timing.epochs[0]!.durationMs > 0, stage);
      assert.ok(timing.checkpoints['last']?.savedAt, stage);
    }
    for (const backbone of ['bilstm', 'transformer']) {
      const trials = (await info(`hpo@${backbone}`, 'trials.json')) as { trials: { restored: boolean; durationMs: number }[] };
      assert.deepEqual(trials.trials.map((t) => t.restored), [true, true], backbone);
      assert.equal(typeof ((await info(`hpo@${backbone}`, 'run.json')) as { startTime: unknown }).startTime, 'number');
    }
    const latency = (await info('export_onnx', 'latency.json')) as Record<string, { latencyP50Ms: number; throughput: number }>;
    assert.ok(latency['ortInt8']!.latencyP50Ms > 0 && latency['ortInt8']!.throughput > 0);
    await assert.rejects(project.read('.dagmake/run-info/hpo@bilstm/trial_0/timing.json'), 'a rerun starts with an empty run-info directory');
  });

  test('a study setting that changes no result: trials restored, same winner, final training not rerun', async () => {
    const before = await project.read('outputs/best_configuration.json');
    await project.write('config/hpo/smoke.yaml', hpoConfig(2, 20));
    const result = await runCli(project.root, ['run', '--json']);
    assert.equal(result.exitCode, 0);
    assert.deepEqual(trialCounts(result.events), {
      'hpo@bilstm': { computed: 0, restored: 2 },
      'hpo@transformer': { computed: 0, restored: 2 },
    });
    assert.equal(await project.read('outputs/best_configuration.json'), before);
    const s = statuses(result.events);
    assert.equal(s.select, 'ran');
    assert.equal(s.final, 'up-to-date');
    assert.equal(s.export_onnx, 'up-to-date');
  });

  test('raising max_trials runs only the new trials', async () => {
    await project.write('config/hpo/smoke.yaml', hpoConfig(3, 20));
    const result = await runCli(project.root, ['run', '--json', 'select']);
    assert.equal(result.exitCode, 0);
    assert.deepEqual(trialCounts(result.events), {
      'hpo@bilstm': { computed: 1, restored: 2 },
      'hpo@transformer': { computed: 1, restored: 2 },
    });
  });

  test('a study killed midway resumes with only its unfinished trials', async () => {
    await project.write('config/hpo/smoke.yaml', hpoConfig(5, 20));
    const child = spawnCli(project.root, ['run', '--json', '-j', '1', 'hpo@bilstm']);
    let output = '';
    await new Promise<void>((resolve) => {
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (trialCounts(parseEvents(output))['hpo@bilstm']?.computed === 1) resolve();
      });
      void child.then(() => resolve());
    });
    child.kill('SIGKILL');
    await child.catch(() => undefined);
    const resumed = await runCli(project.root, ['run', '--json', 'hpo@bilstm']);
    assert.equal(resumed.exitCode, 0);
    assert.deepEqual(trialCounts(resumed.events)['hpo@bilstm'], { computed: 1, restored: 4 });
    const study = JSON.parse(await readFile(path.join(project.root, 'outputs/hpo/bilstm/study.json'), 'utf8')) as { trials: unknown[] };
    assert.equal(study.trials.length, 5);
  });
});
