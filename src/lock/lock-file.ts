// dagmake.lock: YAML meant to be committed and diffed, so its bytes depend on content only
// (sorted stages, paths and keys; no timestamps).
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Document, LineCounter, isMap, isNode, isSeq, parseDocument } from 'yaml';
import type { Diagnostic, Result, SourceLocation } from '../errors.js';
import { fail, ok } from '../errors.js';
import { canonicalize } from '../hash/canonical-json.js';
import { readParseMemo, writeParseMemo } from '../parse-memo.js';
import { isErrno, writeFileAtomicIfChanged } from './atomic-write.js';
import { lockFileSchema } from './lock-schema.js';
import { plainLockText } from './plain-lock-text.js';
import type { LockFile, LockedPath, LockedStage } from './types.js';
import { LOCK_FILE_NAME, LOCK_SCHEMA_VERSION, emptyLock } from './types.js';

const REBUILD_HINT = `delete ${LOCK_FILE_NAME} to rebuild it (every stage will run again)`;

export function lockPath(root: string): string {
  return path.join(root, LOCK_FILE_NAME);
}

const byPath = (a: LockedPath, b: LockedPath): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The canonical form of a stage: sorted deps, outs, params files and keys. */
export function normalizeStage(stage: LockedStage): LockedStage {
  const cleanPath = (p: LockedPath): LockedPath =>
    p.nfiles === undefined
      ? { path: p.path, hash: p.hash, size: p.size }
      : { path: p.path, hash: p.hash, size: p.size, nfiles: p.nfiles };
  return {
    definition: stage.definition,
    deps: stage.deps.map(cleanPath).sort(byPath),
    params: canonicalize(stage.params) as LockedStage['params'],
    outs: stage.outs.map(cleanPath).sort(byPath),
  };
}

export function serializeLock(lock: LockFile): string {
  const names = Object.keys(lock.stages).sort();
  const stages: Record<string, LockedStage> = {};
  for (const name of names) stages[name] = normalizeStage(lock.stages[name]!);
  const plain = plainLockText({ schema: LOCK_SCHEMA_VERSION, stages });
  if (plain !== undefined) return plain;
  return yamlLockText(names, stages);
}

/** The lock through the YAML library: any names, paths and params. */
export function yamlLockText(names: readonly string[], stages: Readonly<Record<string, LockedStage>>): string {
  const doc = new Document({ schema: LOCK_SCHEMA_VERSION, stages });
  // One line per dep/out keeps diffs readable.
  for (const name of names) {
    for (const list of ['deps', 'outs']) {
      const seq = doc.getIn(['stages', name, list], true);
      if (isSeq(seq)) for (const item of seq.items) if (isMap(item)) item.flow = true;
    }
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

export function parseLock(text: string, file = LOCK_FILE_NAME): Result<LockFile, Diagnostic[]> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const where = (offset: number | undefined): SourceLocation => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { file, line: pos.line, col: pos.col };
  };
  if (doc.errors.length > 0) {
    return fail(
      doc.errors.map((e) => ({ message: `invalid YAML in ${file}: ${e.message.split('\n')[0]}`, location: where(e.pos[0]), hint: REBUILD_HINT })),
    );
  }
  const data: unknown = doc.toJS();
  if (data === null || data === undefined) return ok(emptyLock());
  const version = (data as { schema?: unknown }).schema;
  if (typeof data === 'object' && version !== LOCK_SCHEMA_VERSION) {
    const node = doc.getIn(['schema'], true);
    return fail([
      {
        message: `${file} has schema version ${JSON.stringify(version)}, this dagmake reads version ${LOCK_SCHEMA_VERSION}`,
        location: where(isNode(node) ? node.range?.[0] : undefined),
        hint: `upgrade dagmake, or ${REBUILD_HINT}`,
      },
    ]);
  }
  const parsed = lockFileSchema.safeParse(data);
  if (!parsed.success) {
    return fail(
      parsed.error.issues.map((issue) => {
        const keys = issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
        return {
          message: `invalid ${file}: ${keys.length > 0 ? `${keys.join('.')}: ` : ''}${issue.message}`,
          location: where(nodeOffset(doc, keys)),
          hint: REBUILD_HINT,
        };
      }),
    );
  }
  return ok(parsed.data as LockFile);
}

/** Start offset of the deepest node along `keys` that exists. */
function nodeOffset(doc: Document, keys: readonly (string | number)[]): number | undefined {
  for (let n = keys.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(keys.slice(0, n), true);
    if (isNode(node) && node.range) return node.range[0];
  }
  return undefined;
}

/** A missing lock file is an empty lock: nothing has run yet. */
export async function readLock(root: string): Promise<Result<LockFile, Diagnostic[]>> {
  let text: string;
  try {
    text = await readFile(lockPath(root), 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return ok(emptyLock());
    const reason = error instanceof Error ? error.message : String(error);
    return fail([{ message: `cannot read ${LOCK_FILE_NAME}: ${reason}`, hint: 'check the file permissions' }]);
  }
  const memo = await readParseMemo<LockFile>(root, 'lock', text);
  if (memo) return ok(memo);
  const parsed = parseLock(text);
  if (parsed.ok) await writeParseMemo(root, 'lock', text, parsed.value);
  return parsed;
}

/** Atomic; leaves the file untouched when its bytes would not change. Returns whether it wrote. */
export async function writeLock(root: string, lock: LockFile): Promise<boolean> {
  return writeFileAtomicIfChanged(lockPath(root), serializeLock(lock));
}
