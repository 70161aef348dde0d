// The validated, fully expanded pipeline: what the engine works on.
// Produced by loadPipeline(); every `${var}`, `matrix:` and `foreach:` is already resolved.
import type { SourceLocation } from '../errors.js';

export interface DepSpec {
  /** Project-relative POSIX path (file or directory; a trailing slash is dropped). */
  readonly path: string;
  readonly location?: SourceLocation;
}

export interface ParamSpec {
  /** Project-relative path of a YAML or JSON params file. */
  readonly file: string;
  /** Selected dotted keys; `undefined` means every top-level key of the file. */
  readonly keys?: readonly string[];
  readonly location?: SourceLocation;
}

export type OutKind = 'out' | 'metric' | 'plot';

export interface OutSpec {
  readonly path: string;
  readonly kind: OutKind;
  /** Keep the previous content in place while the stage runs (not removed first). */
  readonly persist: boolean;
  /** Store in the content-addressed cache (default true). */
  readonly cache: boolean;
  /** Declared with a trailing slash (`outs: [d/]`): the stage must write a directory there. */
  readonly directory?: true;
  readonly location?: SourceLocation;
}

export interface ResourceSpec {
  /** CPU slots the stage occupies out of `-j N` (default 1). */
  readonly cpu: number;
  /** Named mutex groups: stages sharing a name never run at the same time. */
  readonly mutex: readonly string[];
}

export interface StageDef {
  /** Expanded name, e.g. `train@bilstm` or `train@bilstm-0.01`. */
  readonly name: string;
  readonly desc?: string;
  /** Exactly one of `cmd` / `uses` is set. `cmd` is always a list (a string becomes a one-item list). */
  readonly cmd?: readonly string[];
  /** Project-relative path of a TypeScript stage module. */
  readonly uses?: string;
  readonly with: Readonly<Record<string, unknown>>;
  /** Project-relative working directory for `cmd` (default '.'). */
  readonly wdir: string;
  readonly deps: readonly DepSpec[];
  readonly params: readonly ParamSpec[];
  /** outs, metrics and plots together, told apart by `kind`. */
  readonly outs: readonly OutSpec[];
  readonly env: Readonly<Record<string, string>>;
  readonly alwaysChanged: boolean;
  readonly frozen: boolean;
  /** The command gets $DAGMAKE_RESUME_DIR (module stages always get ctx.resumeDir). */
  readonly resume: boolean;
  readonly resources: ResourceSpec;
  readonly location?: SourceLocation;
}

export interface Pipeline {
  /** Absolute project root (directory of the pipeline file). */
  readonly root: string;
  /** Absolute path of pipeline.yaml. */
  readonly file: string;
  /** Stages in file order (expansion order for matrix/foreach). */
  readonly stages: readonly StageDef[];
  /** Project-relative paths of `vars:` files read while loading (watch mode watches them). */
  readonly varsFiles: readonly string[];
}
