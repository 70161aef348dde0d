// Parsing and printing dagmake.lock through the YAML library, with validation by the schema
// library: loaded by lock-file.ts only when the parse memo or plain-lock-text.ts cannot serve.
import { Document, LineCounter, isMap, isNode, isSeq, parseDocument } from 'yaml';
import type { Diagnostic, Result, SourceLocation } from '../errors.js';
import { fail, ok } from '../errors.js';
import { lockFileSchema } from './lock-schema.js';
import { mergeConflictDiagnostic } from './merge-conflict.js';
import type { LockFile, LockedStage } from './types.js';
import { LOCK_FILE_NAME, LOCK_SCHEMA_VERSION, emptyLock } from './types.js';

const rebuildHint = (file: string): string => `delete ${file} to rebuild it (every stage will run again)`;

/** One problem often shows as several errors: the hint is said once, after the first. */
const hintOnce = (diagnostics: Diagnostic[], hint: string): Diagnostic[] =>
  diagnostics.map((d, i) => (i === 0 ? { ...d, hint } : d));

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
  const conflict = mergeConflictDiagnostic(text, file);
  if (conflict !== undefined) return fail([conflict]);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const where = (offset: number | undefined): SourceLocation => {
    const pos = lineCounter.linePos(offset ?? 0);
    return { file, line: pos.line, col: pos.col };
  };
  if (doc.errors.length > 0) {
    const errors = doc.errors.map((e) => ({ message: `invalid YAML in ${file}: ${e.message.split('\n')[0]}`, location: where(e.pos[0]) }));
    return fail(hintOnce(errors, rebuildHint(file)));
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
        hint: `upgrade dagmake, or ${rebuildHint(file)}`,
      },
    ]);
  }
  const parsed = lockFileSchema.safeParse(data);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => {
      const keys = issue.path.map((k) => (typeof k === 'symbol' ? String(k) : k));
      return { message: `invalid ${file}: ${keys.length > 0 ? `${keys.join('.')}: ` : ''}${issue.message}`, location: where(nodeOffset(doc, keys)) };
    });
    return fail(hintOnce(issues, rebuildHint(file)));
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
