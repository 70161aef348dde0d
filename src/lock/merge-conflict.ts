// Locks are committed, so a merge of two branches that both ran stages can leave git's conflict
// markers in one. The YAML parser would report them as a cascade of unrelated syntax errors; a
// lock with markers is named for what it is, with what to do about it.
import type { Diagnostic } from '../errors.js';
import { pipelineStemOf } from './lock-location.js';

/** `<<<<<<<`, `=======`, `>>>>>>>` (and diff3's `|||||||`) at the start of a line, exactly seven. */
const MARKER = /^(?:<{7}|={7}|>{7}|\|{7})(?![<=>|])/m;

/** 1-based line of the first conflict marker, or undefined when there is none. */
function firstConflictMarkerLine(text: string): number | undefined {
  const match = MARKER.exec(text);
  if (match === null) return undefined;
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < match.index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The one error for a lock with an unresolved merge conflict; undefined when it has none. */
export function mergeConflictDiagnostic(text: string, file: string): Diagnostic | undefined {
  const line = firstConflictMarkerLine(text);
  if (line === undefined) return undefined;
  // Either side is a lock some run wrote; the next run rehashes and reruns what no longer matches.
  const stem = pipelineStemOf(file);
  const rerun = stem === undefined ? '"dagmake run"' : `"dagmake run -f ${stem}.yaml"`;
  return {
    message: `${file} has an unresolved merge conflict (git conflict markers)`,
    location: { file, line, col: 1 },
    hint:
      `take either side (git checkout --ours ${file}, or --theirs) and ${rerun} brings the lock up to date; ` +
      `or delete the conflicting stage entries with their markers, and those stages run again`,
  };
}
