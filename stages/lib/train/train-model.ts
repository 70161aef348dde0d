// The training loop: AdamW with warmup + decay, global-norm clipping, seeded dropout and
// length-bucketed batches, per-epoch evaluation, best/last checkpoints and exact resume.
//
// Files under outDir:
//   checkpoint/   the best epoch by the objective, validation macro-F1 unless options.objective says
//                 otherwise (the last epoch when there is no validation)
//   last/         the latest epoch plus optimizer and RNG state, for resuming an interrupted run
//   report.json, summary.txt, loss.svg, metrics.svg
// With options.resumeDir, the two checkpoints live there until training ends and are then copied
// into outDir, so a run that is stopped can continue even when outDir is moved away.
// Every file there is decided by the inputs alone; timing.json (epoch durations, throughput,
// checkpoint save times) goes to options.runInfoDir instead, and durations to the log.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { evaluate } from '../metrics/seqeval.js';
import { InputError } from '../input-error.js';
import { writeRunInfo } from '../run-info.js';
import {
  buildVocabulary,
  encodeBatch,
  forward,
  initWeights,
  parseModelConfig,
  vocabSizes,
  type BackboneConfig,
  type Vocabulary,
  type WeightMap,
} from '../model/index.js';
import { useBackend } from '../tf/backend.js';
import { SeededRandom } from '../tf/seeded-random.js';
import { tf } from '../tf/tf.js';
import { AdamW, clipByGlobalNorm } from './adamw.js';
import { batchesPerEpoch, toWindows, trainingBatches, type Window } from './batching.js';
import { copyCheckpoint, gitCommit, readJson, recoverCheckpoint, writeCheckpoint, type ResumeState } from './checkpoint.js';
import { inverseFrequencyWeights, maskedCrossEntropy } from './loss.js';
import { DEFAULT_OBJECTIVE, improves, objectiveValue, type Objective } from './objective.js';
import { predictTags } from './predict.js';
import { writeReport } from './report.js';
import { learningRateAt } from './schedule.js';
import { loadIntoVariables } from './tensor-file.js';
import type { EpochRecord, EvaluationMetrics, TrainingTiming, TrainOptions, TrainResult } from './types.js';

interface EncodedWindow extends Window {
  readonly tagIds: readonly number[];
}

type StopReason = 'completed' | 'patience' | 'onEpoch';

interface LoopState extends Omit<ResumeState, 'history'> {
  history: EpochRecord[];
  stopReason?: StopReason;
}

function encodeTags(windows: readonly Window[], tagIndex: ReadonlyMap<string, number>): EncodedWindow[] {
  return windows.map((window) => ({
    ...window,
    tagIds: window.tags.map((tag) => {
      const id = tagIndex.get(tag);
      if (id === undefined) throw new InputError(`Tag '${tag}' of the training split is not in labels.json (${[...tagIndex.keys()].join(', ')}); rebuild the dataset so labels.json lists every tag`);
      return id;
    }),
  }));
}

function fingerprintOf(options: TrainOptions, model: BackboneConfig, backend: string, objective: Objective): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify({ model, hyper: options.hyper, seed: options.seed, labels: options.labels, backend, objective }));
  for (const split of [options.train, options.validation]) {
    for (const sample of split) hash.update(JSON.stringify([sample.tokens, sample.tags]));
    hash.update('\u0000');
  }
  return hash.digest('hex');
}

/** One optimisation step; returns the batch loss and its number of real tokens. */
function trainStep(
  weights: WeightMap,
  optimizer: AdamW,
  model: BackboneConfig,
  vocab: Vocabulary,
  batch: readonly EncodedWindow[],
  classWeights: Float32Array | undefined,
  dropout: number,
  seed: number,
  clipNorm: number,
  learningRate: number,
): { loss: number; tokens: number } {
  const inputs = encodeBatch(batch.map((w) => w.tokens), vocab);
  const [size, seq] = inputs.wordIds.shape;
  const labels = new Int32Array(size * seq);
  const tokenWeights = new Float32Array(size * seq);
  let tokens = 0;
  batch.forEach((window, b) =>
    window.tagIds.forEach((id, t) => {
      labels[b * seq + t] = id;
      tokenWeights[b * seq + t] = classWeights ? (classWeights[id] ?? 1) : 1;
      tokens++;
    }),
  );
  const labelTensor = tf.tensor2d(labels, [size, seq], 'int32');
  const weightTensor = tf.tensor2d(tokenWeights, [size, seq], 'float32');
  const variableNames = new Map(Object.entries(weights).map(([name, v]) => [v.name, name]));
  const { value, grads } = tf.variableGrads(
    () => maskedCrossEntropy(forward(weights, inputs, model, { training: true, dropout, seed }), labelTensor, weightTensor),
    Object.values(weights),
  );
  const named: Record<string, tf.Tensor> = {};
  for (const [variableName, grad] of Object.entries(grads)) named[variableNames.get(variableName) ?? variableName] = grad;
  clipByGlobalNorm(named, clipNorm);
  optimizer.apply(named, learningRate);
  const loss = value.dataSync()[0] ?? Number.NaN;
  tf.dispose([value, ...Object.values(named), labelTensor, weightTensor, inputs.wordIds, inputs.charIds, inputs.mask]);
  return { loss, tokens };
}

export async function trainModel(options: TrainOptions): Promise<TrainResult> {
  const log = options.log ?? (() => {});
  const { hyper, outDir, signal } = options;
  const backend = await useBackend(options.backend, log);
  const model = parseModelConfig(options.model, hyper.model ?? {});
  const tagNames = options.labels.tags;
  const tagIndex = new Map(tagNames.map((tag, i) => [tag, i]));
  const trainWindows = encodeTags(toWindows(options.train, model.maxLength), tagIndex);
  if (trainWindows.length === 0) throw new InputError('the training split is empty (no sample has a token); check the dataset\'s train.json');
  const validating = options.validation.length > 0;
  const vocab = buildVocabulary(options.train.map((s) => s.tokens), model);
  const classWeights = hyper.classWeighting ? inverseFrequencyWeights(trainWindows.flatMap((w) => w.tagIds), tagNames.length, hyper.classWeightPower) : undefined;
  const weights = initWeights(model, vocabSizes(vocab), tagNames.length, options.seed);
  const optimizer = new AdamW(weights, { weightDecay: hyper.weightDecay });
  const random = new SeededRandom(options.seed);
  const objective = options.objective ?? DEFAULT_OBJECTIVE;
  const fingerprint = fingerprintOf(options, model, backend, objective);
  // With a resume directory, both checkpoints are kept there until training ends: a failed
  // attempt's outDir is moved aside, and the next attempt needs the best epoch as much as the last.
  const workDir = options.resumeDir ?? outDir;
  const checkpointDir = join(outDir, 'checkpoint');
  const bestDir = join(workDir, 'checkpoint');
  const lastDir = join(workDir, 'last');
  const stepsPerEpoch = batchesPerEpoch(trainWindows.length, hyper.batchSize);
  const totalSteps = stepsPerEpoch * hyper.epochs;
  const parameters = Object.values(weights).reduce((n, w) => n + w.size, 0);
  const tokensPerEpoch = trainWindows.reduce((n, w) => n + w.tagIds.length, 0);
  await mkdir(outDir, { recursive: true });
  await recoverCheckpoint(bestDir);
  await recoverCheckpoint(lastDir);

  let state: LoopState = { fingerprint, epoch: 0, step: 0, rngState: random.state, history: [], bestEpoch: 0, bestScore: null, epochsWithoutImprovement: 0 };
  const statePath = join(lastDir, 'state.json');
  if (existsSync(statePath)) {
    const saved = await readJson<LoopState>(statePath);
    if (saved.fingerprint === fingerprint) {
      await loadIntoVariables(lastDir, 'weights', weights);
      await loadIntoVariables(lastDir, 'optimizer', optimizer.moments);
      optimizer.step = saved.step;
      random.restore(saved.rngState);
      state = { ...saved, history: [...saved.history] };
      log(`resuming from ${lastDir} after epoch ${saved.epoch}`);
    } else {
      log(`ignoring ${lastDir}: it belongs to a different configuration, seed or dataset`);
    }
  }
  const resumedFromEpoch = state.epoch;
  const config = { model, hyperparameters: hyper, seed: options.seed };
  const meta = (epoch: number, metrics?: EvaluationMetrics, trainLoss?: number) => ({
    epoch,
    metrics,
    trainLoss,
    hyperparameters: hyper,
    seed: options.seed,
    backend,
  });

  const startedAt = new Date().toISOString();
  const epochTimes: { epoch: number; durationMs: number }[] = [];
  const savedAt: Record<string, { epoch: number; savedAt: string }> = {};
  let trainedTokens = 0;
  let trainingMs = 0;
  const tokensPerSecond = (): number => (trainingMs > 0 ? (trainedTokens / trainingMs) * 1000 : 0);
  const commit = gitCommit();
  const timing = (finished: boolean): TrainingTiming => ({
    startedAt,
    ...(commit !== undefined ? { gitCommit: commit } : {}),
    ...(finished ? { finishedAt: new Date().toISOString() } : {}),
    resumedFromEpoch,
    epochs: epochTimes,
    trainingMs: Math.round(trainingMs),
    trainTokens: trainedTokens,
    tokensPerSecond: tokensPerSecond(),
    checkpoints: savedAt,
  });
  const save = async (dir: string, contents: Parameters<typeof writeCheckpoint>[1]): Promise<void> => {
    await writeCheckpoint(dir, contents);
    savedAt[dir === bestDir ? 'checkpoint' : 'last'] = { epoch: contents.meta.epoch, savedAt: new Date().toISOString() };
  };
  try {
    while (state.epoch < hyper.epochs && !state.stopReason) {
      const epoch = state.epoch + 1;
      const started = performance.now();
      let lossSum = 0;
      let tokenSum = 0;
      let learningRate = 0;
      for (const batch of trainingBatches(trainWindows, hyper.batchSize, random)) {
        signal?.throwIfAborted();
        const step = optimizer.step + 1;
        learningRate = learningRateAt(step, totalSteps, hyper);
        const seed = random.seed();
        const { loss, tokens } = trainStep(weights, optimizer, model, vocab, batch, classWeights, hyper.dropout, seed, hyper.clipNorm, learningRate);
        if (!Number.isFinite(loss)) {
          const clipping = hyper.clipNorm > 0 ? '' : ', or set clipNorm above 0 to clip gradients';
          throw new InputError(`Training diverged at epoch ${epoch}, step ${step} (loss ${loss}); lower the learning rate${clipping}`);
        }
        lossSum += loss * tokens;
        tokenSum += tokens;
        await new Promise((resolve) => setImmediate(resolve)); // lets abort signals and progress events through
      }
      trainingMs += performance.now() - started;
      trainedTokens += tokenSum;
      const trainLoss = lossSum / tokenSum;

      let validation: EvaluationMetrics = { microF1: 0, macroF1: 0, microPrecision: 0, microRecall: 0, tokenAccuracy: 0, perType: {} };
      let validationLoss = Number.NaN;
      if (validating) {
        const prediction = predictTags(weights, model, vocab, tagNames, options.validation);
        validation = evaluate(options.validation.map((s) => s.tags), prediction.tags);
        validationLoss = prediction.loss ?? Number.NaN;
      }
      const record: EpochRecord = { epoch, trainLoss, validationLoss, validation, learningRate };
      state.history.push(record);
      const score = validating ? objectiveValue(record, objective.metric) : null;
      // The first epoch always writes checkpoint/, even when its score is NaN.
      const improved = score === null || state.bestEpoch === 0 || improves(score, state.bestScore, objective.goal);
      if (improved) {
        state = { ...state, bestEpoch: epoch, bestScore: score, best: validating ? validation : undefined, epochsWithoutImprovement: 0 };
        await save(bestDir, { weights, vocab, labels: options.labels, config, meta: meta(epoch, state.best, trainLoss) });
      } else {
        state = { ...state, epochsWithoutImprovement: state.epochsWithoutImprovement + 1 };
      }
      const message = validating
        ? `loss ${trainLoss.toFixed(3)} · val micro-F1 ${validation.microF1.toFixed(3)} · macro-F1 ${validation.macroF1.toFixed(3)}`
        : `loss ${trainLoss.toFixed(3)}`;
      const durationMs = performance.now() - started;
      epochTimes.push({ epoch, durationMs: Math.round(durationMs) });
      log(`epoch ${epoch}/${hyper.epochs}: ${message} (${(durationMs / 1000).toFixed(1)} s)`);
      options.onProgress?.({ current: epoch, total: hyper.epochs, unit: 'epoch', message });
      if (validating && (await options.onEpoch?.(record)) === 'stop') state.stopReason = 'onEpoch';
      // Patience only stops a run that had epochs left; one that used them all simply completed.
      else if (hyper.patience > 0 && state.epochsWithoutImprovement >= hyper.patience && epoch < hyper.epochs) state.stopReason = 'patience';
      state = { ...state, epoch, step: optimizer.step, rngState: random.state };
      await save(lastDir, { weights, vocab, labels: options.labels, config, meta: meta(epoch, validating ? validation : undefined, trainLoss), optimizer, state });
      await writeRunInfo(options.runInfoDir, 'timing.json', timing(false));
    }

    if (workDir !== outDir) {
      await copyCheckpoint(bestDir, checkpointDir);
      await copyCheckpoint(lastDir, join(outDir, 'last'));
    }
    const stopReason: StopReason = state.stopReason ?? 'completed';
    await writeReport(
      outDir,
      {
        backbone: model.backbone,
        backend,
        seed: options.seed,
        model,
        hyperparameters: hyper,
        ...(validating ? { objective } : {}),
        history: state.history,
        bestEpoch: state.bestEpoch,
        best: state.best,
        stoppedEarly: stopReason !== 'completed',
        stopReason,
        trainTokens: tokensPerEpoch * state.history.length,
        parameters,
      },
      validating,
    );
    await writeRunInfo(options.runInfoDir, 'timing.json', timing(true));
    if (trainedTokens > 0) log(`throughput: ${tokensPerSecond().toFixed(0)} train tokens/s`);
    return {
      backend,
      history: state.history,
      bestEpoch: state.bestEpoch,
      best: state.best,
      stoppedEarly: stopReason === 'onEpoch',
      checkpointDir,
    };
  } finally {
    optimizer.dispose();
    tf.dispose(Object.values(weights));
  }
}
