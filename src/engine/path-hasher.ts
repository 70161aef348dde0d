// The engine's view of the hashing layer: content of paths, selected params, module imports.
import type { Diagnostic, Result } from '../errors.js';
import type { DirectoryDigest } from '../hash/manifest.js';

export type PathState =
  | {
      readonly kind: 'file';
      readonly hash: string;
      readonly size: number;
      readonly nfiles?: undefined;
      readonly executable?: boolean;
      /** The bytes hashed, for a small file read this time when asked for (see keepContent). */
      readonly content?: Buffer;
    }
  | {
      readonly kind: 'dir';
      readonly hash: string;
      readonly size: number;
      readonly nfiles: number;
      readonly digest: DirectoryDigest;
    }
  | { readonly kind: 'missing' }
  /** Exists but cannot be hashed (unreadable, a fifo, a dangling link inside a directory). */
  | { readonly kind: 'invalid'; readonly message: string };

export interface PathHasher {
  /** `keepContent`: also return a small file's bytes, so that storing it writes what was hashed. */
  hashPath(relativePath: string, options?: { readonly keepContent?: boolean }): Promise<PathState>;
  readParams(file: string, keys: readonly string[] | undefined): Promise<Result<Record<string, unknown>, Diagnostic[]>>;
  /** Params files may have changed since they were read: read them again from now on. */
  forgetParams(): void;
  /** The module and every local module it imports, transitively (project-relative, sorted). */
  moduleFiles(entry: string): Promise<Result<string[], Diagnostic[]>>;
  save(): Promise<void>;
}
