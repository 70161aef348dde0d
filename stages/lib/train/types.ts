// The contract between the training core and its callers (dry run, HPO trials, final training).
import type { LabelSet, Sample } from '../data/sample.js';
import type { Objective } from './objective.js';

export type BackendName = 'auto' | 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu';

/** Contents of config/model/<backbone>.yaml plus its name. */
export interface ModelConfig {
  readonly backbone: string;
  readonly [key: string]: unknown;
}

export interface Hyperparameters {
  readonly learningRate: number;
  readonly batchSize: number;
  readonly epochs: number;
  readonly dropout: number;
  readonly weightDecay: number;
  readonly warmupRatio: number;
  readonly schedule: 'linear' | 'cosine' | 'constant';
  readonly clipNorm: number;
  /** Early stopping patience in epochs; 0 turns it off (final training). */
  readonly patience: number;
  readonly classWeighting: boolean;
  /**
   * With classWeighting, each tag's weight is its inverse frequency raised to this power
   * (default 1); 0.5 softens the weights, trading less recall for more precision.
   */
  readonly classWeightPower?: number;
  /** Any model hyperparameter overriding the model config (e.g. hidden size). */
  readonly model?: Readonly<Record<string, unknown>>;
}

export interface EntityScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export interface EvaluationMetrics {
  readonly microF1: number;
  readonly macroF1: number;
  readonly microPrecision: number;
  readonly microRecall: number;
  readonly tokenAccuracy: number;
  readonly perType: Readonly<Record<string, EntityScores>>;
}

export interface EpochRecord {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly validationLoss: number;
  readonly validation: EvaluationMetrics;
  readonly learningRate: number;
}

/** What the clock decided about one training; written to `timing.json` in TrainOptions.runInfoDir. */
export interface TrainingTiming {
  /** ISO times of this process's part of the training (a resumed run starts late). */
  readonly startedAt: string;
  readonly finishedAt?: string;
  /** The repository's commit when the training ran, when it runs inside a git checkout. */
  readonly gitCommit?: string;
  /** Epochs completed by an earlier, interrupted run and restored from `last/`. */
  readonly resumedFromEpoch: number;
  /** Epochs trained by this process, each with its wall time including evaluation. */
  readonly epochs: readonly { readonly epoch: number; readonly durationMs: number }[];
  /** Time spent in optimisation steps, evaluation excluded; with trainTokens, the throughput. */
  readonly trainingMs: number;
  readonly trainTokens: number;
  readonly tokensPerSecond: number;
  /** When each checkpoint directory (`checkpoint`, `last`) was last written, and at which epoch. */
  readonly checkpoints: Readonly<Record<string, { readonly epoch: number; readonly savedAt: string }>>;
}

export interface TrainOptions {
  readonly train: readonly Sample[];
  /** May be empty (final training on train + validation): then no epoch is evaluated. */
  readonly validation: readonly Sample[];
  readonly labels: LabelSet;
  readonly model: ModelConfig;
  readonly hyper: Hyperparameters;
  readonly seed: number;
  readonly backend: BackendName;
  /** Picks the best checkpoint and drives patience; validation macro-F1, maximised, by default. */
  readonly objective?: Objective;
  /** Absolute directory for checkpoints and reports; created if missing. */
  readonly outDir: string;
  /** Where `timing.json` goes: durations and save times are kept out of `outDir`, which holds only what the inputs decide. */
  readonly runInfoDir?: string;
  /**
   * Where the resumable `last/` checkpoint is kept while training (a stage's ctx.resumeDir, which
   * survives a failed attempt when the outputs do not); it is copied into `outDir` at the end.
   * Without it, `last/` lives in `outDir`.
   */
  readonly resumeDir?: string;
  readonly signal?: AbortSignal;
  /** Called after each evaluated epoch; returning 'stop' ends training (pruning). */
  readonly onEpoch?: (record: EpochRecord) => 'continue' | 'stop' | Promise<'continue' | 'stop'>;
  readonly onProgress?: (progress: { current: number; total: number; unit: string; message?: string }) => void;
  readonly log?: (message: string) => void;
}

export interface TrainResult {
  /** The backend that actually ran. */
  readonly backend: string;
  readonly history: readonly EpochRecord[];
  /** 1-based epoch whose weights are in `checkpointDir` (the best by the objective when validating, else the last). */
  readonly bestEpoch: number;
  readonly best?: EvaluationMetrics;
  /** True when onEpoch stopped training early. */
  readonly stoppedEarly: boolean;
  readonly checkpointDir: string;
}
