// Which project paths reach their file through a symbolic link inside the project, and where they
// really lead. Two declared paths can name one file (`real/x.txt` and `alias/x.txt` with
// alias -> real); comparing strings alone cannot see that.
import { lstatSync, readlinkSync, realpathSync } from 'node:fs';
import path from 'node:path';

export interface LinkedPath {
  /** Absolute path with every link resolved. */
  readonly real: string;
  /** The deepest link the path goes through (project-relative); undefined when it goes through none. */
  readonly link?: string;
  /** `real` relative to the real project root, when it lies inside the project. */
  readonly inProject?: string;
}

export interface PathLinks {
  /**
   * Where a path leads through the links among its parent directories. Its own name is not
   * followed: an out that is a link is removed before its stage runs, and looking at every dep
   * itself would cost an lstat per dep on every run.
   */
  resolve(relPath: string): LinkedPath;
  /** A link's target as the user knows it: project-relative when inside the project. */
  describeTarget(link: string): string;
}

type Kind = 'link' | 'present' | 'absent';

/**
 * One lstat per distinct parent directory of `paths` (project-relative), so a thousand outs in one
 * directory cost one call; undefined when none of them is a symbolic link, the usual case, where
 * nothing else is needed.
 */
export function findPathLinks(root: string, paths: Iterable<string>): PathLinks | undefined {
  const kinds = new Map<string, Kind>();
  let anyLink = false;
  for (const relPath of paths) {
    for (let slash = relPath.indexOf('/'); slash > 0; slash = relPath.indexOf('/', slash + 1)) {
      const prefix = relPath.slice(0, slash);
      let kind = kinds.get(prefix);
      if (kind === undefined) {
        kind = kindOf(path.join(root, prefix));
        kinds.set(prefix, kind);
        if (kind === 'link') anyLink = true;
      }
      if (kind === 'absent') break;
    }
  }
  if (!anyLink) return undefined;
  return new ResolvedLinks(root, kinds);
}

function kindOf(abs: string): Kind {
  try {
    const stat = lstatSync(abs, { throwIfNoEntry: false });
    if (stat === undefined) return 'absent';
    return stat.isSymbolicLink() ? 'link' : 'present';
  } catch {
    return 'absent'; // ENOTDIR and the like: nothing below it exists either
  }
}

interface Target {
  readonly real: string;
  readonly inProject?: string;
}

class ResolvedLinks implements PathLinks {
  readonly #realRoot: string;
  readonly #rootPrefix: string;
  readonly #targets = new Map<string, Target | undefined>();

  constructor(
    private readonly root: string,
    private readonly kinds: ReadonlyMap<string, Kind>,
  ) {
    this.#realRoot = realpathSync.native(root);
    this.#rootPrefix = this.#realRoot.endsWith(path.sep) ? this.#realRoot : `${this.#realRoot}${path.sep}`;
  }

  resolve(relPath: string): LinkedPath {
    // The deepest link resolves every link above it; below it nothing else can be one.
    for (let cut = relPath.lastIndexOf('/'); cut > 0; cut = relPath.lastIndexOf('/', cut - 1)) {
      const prefix = relPath.slice(0, cut);
      if (this.kinds.get(prefix) !== 'link') continue;
      const target = this.#target(prefix);
      if (target === undefined) break; // unreadable: it leads nowhere we can name
      const rest = relPath.slice(cut);
      const real = target.real + rest;
      if (target.inProject === undefined) return { real, link: prefix };
      return { real, link: prefix, inProject: target.inProject === '.' ? rest.slice(1) : target.inProject + rest };
    }
    return { real: relPath === '.' ? this.#realRoot : this.#rootPrefix + relPath, inProject: relPath };
  }

  describeTarget(link: string): string {
    const target = this.#target(link);
    return target === undefined ? link : (target.inProject ?? target.real);
  }

  #target(link: string): Target | undefined {
    if (this.#targets.has(link)) return this.#targets.get(link);
    const real = linkTarget(path.join(this.root, link));
    const target = real === undefined ? undefined : { real, ...withInProject(path.relative(this.#realRoot, real)) };
    this.#targets.set(link, target);
    return target;
  }
}

function withInProject(inside: string): { inProject?: string } {
  if (inside === '') return { inProject: '.' };
  if (inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside)) return {};
  return { inProject: inside.split(path.sep).join('/') };
}

/**
 * Where a link leads, fully resolved; a link to what does not exist yet (a directory its stage has
 * still to make) leads where its text says, resolved as far as the path exists.
 */
function linkTarget(abs: string): string | undefined {
  try {
    return realpathSync.native(abs);
  } catch {
    try {
      return realpathAsFarAsExists(path.resolve(realpathSync.native(path.dirname(abs)), readlinkSync(abs)));
    } catch {
      return undefined;
    }
  }
}

function realpathAsFarAsExists(abs: string): string {
  const rest: string[] = [];
  for (let at = abs; ; ) {
    try {
      return path.join(realpathSync.native(at), ...rest);
    } catch {
      const parent = path.dirname(at);
      if (parent === at) return abs;
      rest.unshift(path.basename(at));
      at = parent;
    }
  }
}
