// dagmake.lock as text without building a YAML document, for the common case where that is
// easy to get exactly right: every name, path and digest a plain scalar and no params. Building
// and printing a `yaml` Document took about 0.15 s per 1,000 stages at the end of every run that
// changed the lock. Anything else returns undefined and goes through the YAML library, whose
// output this reproduces byte for byte (test/lock/lock-file.test.ts compares both).
import type { LockFile, LockedPath } from './types.js';

/** Characters that never need quoting in a block key or a flow map value. */
const PLAIN = /^[A-Za-z0-9_/][A-Za-z0-9_./-]*$/;
/** Only digits and the characters of numbers: could read back as a number (0x1f, 1e5, 1.5). */
const NUMBER_LIKE = /^[0-9._+eExXoO-]*$/;
/** YAML 1.2 core words that read back as booleans or null. */
const KEYWORDS = /^(?:true|True|TRUE|false|False|FALSE|null|Null|NULL)$/;

const isPlain = (text: string): boolean => PLAIN.test(text) && !NUMBER_LIKE.test(text) && !KEYWORDS.test(text) && !/^0[xX]/.test(text);

function pathLine(p: LockedPath): string | undefined {
  if (!isPlain(p.path) || !isPlain(p.hash) || !Number.isSafeInteger(p.size)) return undefined;
  if (p.nfiles !== undefined && !Number.isSafeInteger(p.nfiles)) return undefined;
  const nfiles = p.nfiles === undefined ? '' : `, nfiles: ${p.nfiles}`;
  const isexec = p.isexec === true ? ', isexec: true' : '';
  return `      - {path: ${p.path}, hash: ${p.hash}, size: ${p.size}${nfiles}${isexec}}\n`;
}

function pathList(key: string, paths: readonly LockedPath[]): string | undefined {
  if (paths.length === 0) return `    ${key}: []\n`;
  let text = `    ${key}:\n`;
  for (const p of paths) {
    const line = pathLine(p);
    if (line === undefined) return undefined;
    text += line;
  }
  return text;
}

/** `lock` (stages sorted, each normalized) as lockText prints it, or undefined when not simple. */
export function plainLockText(lock: LockFile): string | undefined {
  const names = Object.keys(lock.stages);
  if (names.length === 0) return undefined;
  const parts = [`schema: ${lock.schema}\nstages:\n`];
  for (const name of names) {
    const stage = lock.stages[name]!;
    if (!isPlain(name) || !isPlain(stage.definition) || Object.keys(stage.params).length > 0) return undefined;
    const deps = pathList('deps', stage.deps);
    const outs = pathList('outs', stage.outs);
    if (deps === undefined || outs === undefined) return undefined;
    parts.push(`  ${name}:\n    definition: ${stage.definition}\n${deps}    params: {}\n${outs}`);
  }
  return parts.join('');
}
