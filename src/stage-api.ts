// The only engine module that stage code may import. It must import nothing else from src/:
// stages see this contract and nothing of the engine behind it.

export interface StageProgress {
  readonly current: number;
  readonly total?: number;
  /** e.g. 'epoch', 'step', 'trial'. */
  readonly unit?: string;
  readonly message?: string;
  /** Sub-task id (e.g. 'trial_3'); progress without it is the stage's own. */
  readonly task?: string;
}

export interface StageLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface MemoResult<T> {
  /** Absolute directory holding the unit's files (restored from the cache on a hit). */
  readonly dir: string;
  readonly value: T;
  /** True when the unit was restored from the cache instead of computed. */
  readonly hit: boolean;
}

export interface MemoOptions {
  /** Where the unit's files live, project-relative (e.g. `outputs/hpo/bilstm/trial_3`). */
  readonly dir: string;
  /** Shown as a sub-task in progress events. */
  readonly label?: string;
  /** CPU slots the unit uses (default 1). */
  readonly cpu?: number;
}

export interface StageContext {
  /** Expanded stage name, e.g. `hpo@bilstm`. */
  readonly stage: string;
  /** Absolute project root. */
  readonly root: string;
  /** The stage's interpolated `with:` map. */
  readonly with: Readonly<Record<string, unknown>>;
  /** Selected params: file → dotted key → value (for a whole-file param, every top-level key). */
  readonly params: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Project-relative dep and out paths as declared. */
  readonly deps: readonly string[];
  readonly outs: readonly string[];
  /** Absolute path for a project-relative one. */
  resolve(relativePath: string): string;
  /**
   * Absolute directory for what this run observed but the inputs do not decide (durations,
   * timestamps, latencies, tracking-server ids): `<root>/.dagmake/run-info/<stage>/`, emptied
   * before the stage starts. It is not an output, so it is never hashed, cached or restored:
   * keeping clock readings here instead of in the outs lets a rerun reproduce them byte for byte,
   * and their dependents stay up to date. Absent when a stage function is called without the engine.
   */
  readonly runInfoDir?: string;
  /**
   * Absolute directory for state that lets a stage continue where a failed, cancelled or killed
   * attempt stopped (a training's epoch checkpoints): `<root>/.dagmake/resume/<stage>/<definition>/`,
   * not created in advance. Unlike the outs, which dagmake moves aside when a stage fails, it is
   * kept until the stage succeeds, then removed. Another version of the stage's code gets another
   * directory, but its deps and params may have changed since: what is in it must say which inputs
   * it was made from. Absent when a stage function is called without the engine.
   */
  readonly resumeDir?: string;
  readonly log: StageLogger;
  progress(progress: StageProgress): void;
  metric(name: string, value: number, step?: number): void;
  /**
   * Runs `compute` once per distinct `key` (any JSON value) and caches the files it writes into
   * `dir` by content; later calls with the same key restore them instead of recomputing.
   */
  memo<T>(key: unknown, options: MemoOptions, compute: (dir: string) => Promise<T>): Promise<MemoResult<T>>;
  /** Aborted when the run is cancelled; long loops should check it. */
  readonly signal: AbortSignal;
}

export type StageFunction = (ctx: StageContext) => Promise<void> | void;

/**
 * A problem with the stage's inputs that the user fixes (a config value, a missing file), as
 * opposed to a bug: the stage fails with its message alone, without a stack trace. The message
 * should say what is wrong, where (file, key or line) and what to do.
 */
export class StageInputError extends Error {
  override name = 'StageInputError';
  /** Recognised by the runner even when the stage loaded its own copy of this module. */
  readonly stageInputError = true;
}

/** A stage module's default export: `export default defineStage(async (ctx) => { ... })`. */
export function defineStage(run: StageFunction): StageFunction {
  return run;
}
