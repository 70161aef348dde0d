// Checkpoint directories. Layout of every checkpoint:
//   weights.bin / weights.json   model weights (tensor-file.ts), byte-identical for identical weights
//   vocab.json                   Vocabulary (model/vocabulary.ts)
//   labels.json                  LabelSet (tag id = index in `tags`)
//   config.json                  { model: BackboneConfig, hyperparameters, seed }
//   meta.json                    epoch, metrics, hyperparameters, seed, backend
// Nothing in a checkpoint depends on the clock or on the repository's commit (save times and the
// commit go to the run info, see TrainingTiming), so the same inputs always give the same bytes:
// a commit that changes no input must not change the outputs.
// The resumable `last/` checkpoint adds optimizer.bin / optimizer.json (AdamW moments) and
// state.json (epoch, step, RNG state, history, early-stopping counters).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { initWeights, type BackboneConfig, type Vocabulary, type WeightMap } from '../model/index.js';
import type { LabelSet } from '../data/sample.js';
import type { AdamW } from './adamw.js';
import { loadIntoVariables, saveTensors } from './tensor-file.js';
import type { EpochRecord, EvaluationMetrics, Hyperparameters } from './types.js';

export interface CheckpointConfig {
  readonly model: BackboneConfig;
  readonly hyperparameters: Hyperparameters;
  readonly seed: number;
}

export interface CheckpointMeta {
  readonly epoch: number;
  readonly metrics?: EvaluationMetrics;
  readonly trainLoss?: number;
  readonly hyperparameters: Hyperparameters;
  readonly seed: number;
  readonly backend: string;
}

export interface ResumeState {
  /** Hash of everything that determines the run; a mismatch means start over. */
  readonly fingerprint: string;
  readonly epoch: number;
  readonly step: number;
  readonly rngState: number;
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number;
  /** The objective's value at bestEpoch; null until an epoch is scored. */
  readonly bestScore: number | null;
  readonly best?: EvaluationMetrics;
  readonly epochsWithoutImprovement: number;
}

export interface CheckpointContents {
  readonly weights: WeightMap;
  readonly vocab: Vocabulary;
  readonly labels: LabelSet;
  readonly config: CheckpointConfig;
  readonly meta: CheckpointMeta;
  readonly optimizer?: AdamW;
  readonly state?: ResumeState;
}

const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

let cachedCommit: string | undefined | null = null;

export function gitCommit(): string | undefined {
  if (cachedCommit === null) {
    try {
      cachedCommit = execFileSync('git', ['rev-parse', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      cachedCommit = undefined;
    }
  }
  return cachedCommit;
}

const partialDir = (dir: string): string => `${dir}.partial`;
const previousDir = (dir: string): string => `${dir}.previous`;

/**
 * Writes into a sibling temp directory and swaps it in: the old checkpoint is moved aside before
 * the new one is moved in and removed after, so at every instant one complete checkpoint exists
 * under `dir` or `dir.previous` (recoverCheckpoint puts it back after a crash).
 */
export async function writeCheckpoint(dir: string, contents: CheckpointContents): Promise<void> {
  const temp = partialDir(dir);
  await recoverCheckpoint(dir);
  await mkdir(temp, { recursive: true });
  await saveTensors(temp, 'weights', contents.weights);
  await writeFile(join(temp, 'vocab.json'), json(contents.vocab));
  await writeFile(join(temp, 'labels.json'), json(contents.labels));
  await writeFile(join(temp, 'config.json'), json(contents.config));
  await writeFile(join(temp, 'meta.json'), json(contents.meta));
  if (contents.optimizer) await saveTensors(temp, 'optimizer', contents.optimizer.moments);
  if (contents.state) await writeFile(join(temp, 'state.json'), json(contents.state));
  await swapIn(temp, dir);
}

async function swapIn(temp: string, dir: string): Promise<void> {
  await mkdir(dirname(dir), { recursive: true });
  if (existsSync(dir)) await rename(dir, previousDir(dir));
  await rename(temp, dir);
  await rm(previousDir(dir), { recursive: true, force: true });
}

/** Undoes a writeCheckpoint that a crash or kill interrupted: the last complete checkpoint stays. */
export async function recoverCheckpoint(dir: string): Promise<void> {
  const previous = previousDir(dir);
  if (!existsSync(dir) && existsSync(previous)) await rename(previous, dir);
  await rm(previous, { recursive: true, force: true });
  await rm(partialDir(dir), { recursive: true, force: true });
}

/** A complete checkpoint copied to `dir` (replacing what is there), as writeCheckpoint would leave it. */
export async function copyCheckpoint(from: string, dir: string): Promise<void> {
  const temp = partialDir(dir);
  await rm(temp, { recursive: true, force: true });
  await cp(from, temp, { recursive: true });
  await swapIn(temp, dir);
}

export async function readJson<T>(path: string): Promise<T> {
  return JSON.parse(await readFile(path, 'utf8')) as T;
}

export interface LoadedModel {
  readonly config: CheckpointConfig;
  readonly vocab: Vocabulary;
  readonly labels: LabelSet;
  readonly weights: WeightMap;
}

/** Loads a checkpoint's model for inference (the caller disposes the weights). */
export async function loadCheckpoint(dir: string): Promise<LoadedModel> {
  const config = await readJson<CheckpointConfig>(join(dir, 'config.json'));
  const vocab = await readJson<Vocabulary>(join(dir, 'vocab.json'));
  const labels = await readJson<LabelSet>(join(dir, 'labels.json'));
  const weights = initWeights(config.model, { words: vocab.words.length, chars: vocab.chars.length }, labels.tags.length, 0);
  await loadIntoVariables(dir, 'weights', weights);
  return { config, vocab, labels, weights };
}
