// The last seen fingerprint of every watched file. A file system event only counts once the
// content says so: a touch, a save of the same bytes or a checkout of identical files is no change.
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../errors.js';
import { isWithin } from '../graph/build-graph.js';
import type { Fingerprinter } from './file-fingerprint.js';

export interface SyncResult {
  /** Files whose fingerprint changed (appeared, disappeared or differ). */
  readonly changed: string[];
  /** The fingerprint each changed file had before (undefined: it did not exist). */
  readonly previous: Map<string, string | undefined>;
  readonly problems: Diagnostic[];
}

export class ContentTracker {
  readonly #known = new Map<string, string>();

  constructor(
    private readonly root: string,
    private fingerprint: Fingerprinter,
  ) {}

  setFingerprinter(fingerprint: Fingerprinter): void {
    this.fingerprint = fingerprint;
  }

  /** Files known now, plus each root with none: a path awaited (deleted, or not there yet) is watched too. */
  watchedCount(roots: readonly string[]): number {
    const missing = roots.filter((root) => !this.#known.has(root));
    const files = missing.length > 0 ? [...this.#known.keys()] : [];
    return this.#known.size + missing.filter((root) => !files.some((file) => isWithin(file, root))).length;
  }

  fingerprintOf(rel: string): string | undefined {
    return this.#known.get(rel);
  }

  /** Looks at `rel` (a file, a directory, or gone) and everything known below it. */
  async sync(rel: string, excluded: (rel: string) => boolean): Promise<SyncResult> {
    const result: SyncResult = { changed: [], previous: new Map(), problems: [] };
    if (excluded(rel)) return result;
    const present = await this.#listFiles(rel, excluded);
    // Only a directory (now or before) can have known files below it; a plain file skips the scan.
    const isFile = this.#known.has(rel) || (present.size === 1 && present.has(rel));
    const below = isFile ? [] : [...this.#known.keys()].filter((known) => isWithin(known, rel) && !present.has(known));
    if (isFile && !present.has(rel)) below.push(rel);
    for (const file of [...present, ...below]) await this.#check(file, result);
    return result;
  }

  /** Re-checks everything under the roots: the paths a watcher reported, or all after a gap without one. */
  async syncAll(roots: readonly string[], excluded: (rel: string) => boolean): Promise<SyncResult> {
    const result: SyncResult = { changed: [], previous: new Map(), problems: [] };
    for (const rel of roots) {
      const one = await this.sync(rel, excluded);
      result.changed.push(...one.changed.filter((c) => !result.changed.includes(c)));
      for (const [file, before] of one.previous) if (!result.previous.has(file)) result.previous.set(file, before);
      result.problems.push(...one.problems);
    }
    return result;
  }

  /** Forgets files no longer under any root, so they neither count nor report. */
  retain(roots: readonly string[]): void {
    for (const known of this.#known.keys()) if (!roots.some((r) => isWithin(known, r))) this.#known.delete(known);
  }

  async #check(file: string, result: SyncResult): Promise<void> {
    const now = await this.fingerprint(file);
    if (now.kind === 'invalid') {
      result.problems.push(...now.diagnostics);
      return;
    }
    const before = this.#known.get(file);
    const value = now.kind === 'present' ? now.value : undefined;
    if (before === value) return;
    if (value === undefined) this.#known.delete(file);
    else this.#known.set(file, value);
    result.changed.push(file);
    result.previous.set(file, before);
  }

  /** Regular files at or below `rel`, skipping excluded subtrees without reading them. */
  async #listFiles(rel: string, excluded: (rel: string) => boolean): Promise<Set<string>> {
    const files = new Set<string>();
    const info = await stat(path.join(this.root, rel)).catch(() => undefined);
    if (info === undefined) return files;
    if (!info.isDirectory()) {
      files.add(rel);
      return files;
    }
    const walk = async (dir: string): Promise<void> => {
      const entries: Dirent[] = await readdir(path.join(this.root, dir), { withFileTypes: true }).catch(() => []);
      for (const entry of entries) {
        const child = dir === '.' ? entry.name : `${dir}/${entry.name}`;
        if (excluded(child)) continue;
        const isDir = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(path.join(this.root, child)).catch(() => undefined))?.isDirectory());
        if (isDir) await walk(child);
        else files.add(child);
      }
    };
    await walk(rel);
    return files;
  }
}
