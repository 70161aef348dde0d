// A trained checkpoint's predictions on whole splits, scored entity by entity.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sample } from '../data/sample.js';
import { tf, useBackend, type BackendChoice } from '../tf/index.js';
import { loadCheckpoint } from '../train/checkpoint.js';
import { predictTags } from '../train/predict.js';
import { scoreSplit, type SplitScores } from './score-split.js';

export interface CheckpointEvaluation {
  readonly backbone: string;
  /** The training epoch whose weights the checkpoint holds, when its meta.json says. */
  readonly epoch: number | null;
  readonly splits: Readonly<Record<string, SplitScores>>;
}

export interface EvaluateCheckpointOptions {
  /** Absolute checkpoint directory (weights, vocab, labels, config). */
  readonly dir: string;
  /** Split name → its samples, scored in this order. */
  readonly splits: ReadonlyArray<readonly [string, readonly Sample[]]>;
  readonly backend: BackendChoice;
  readonly log?: (message: string) => void;
  readonly onSplit?: (name: string, scores: SplitScores) => void;
}

async function checkpointEpoch(dir: string): Promise<number | null> {
  try {
    const meta = JSON.parse(await readFile(join(dir, 'meta.json'), 'utf8')) as { epoch?: unknown };
    return typeof meta.epoch === 'number' ? meta.epoch : null;
  } catch {
    return null;
  }
}

export async function evaluateCheckpoint(options: EvaluateCheckpointOptions): Promise<CheckpointEvaluation> {
  await useBackend(options.backend, options.log);
  const loaded = await loadCheckpoint(options.dir);
  try {
    const splits: Record<string, SplitScores> = {};
    for (const [name, samples] of options.splits) {
      const predicted = predictTags(loaded.weights, loaded.config.model, loaded.vocab, loaded.labels.tags, samples.map((s) => ({ tokens: s.tokens })));
      const scores = scoreSplit(samples.map((s) => s.tags), predicted.tags);
      splits[name] = scores;
      options.onSplit?.(name, scores);
    }
    return { backbone: loaded.config.model.backbone, epoch: await checkpointEpoch(options.dir), splits };
  } finally {
    tf.dispose(Object.values(loaded.weights));
  }
}
