// Cleans source spans before tagging: bad offsets, stray whitespace, overlaps.
import type { RawSpan } from './documents.js';
import type { RepairCounts } from './repair-counts.js';

export type MismatchPolicy = 'relocate' | 'drop';
export type OverlapPolicy = 'longest' | 'first';

export interface RepairPolicy {
  readonly mismatch: MismatchPolicy;
  readonly overlap: OverlapPolicy;
}

export interface CleanSpan {
  readonly start: number;
  readonly end: number;
  readonly type: string;
}

function nearestOccurrence(text: string, needle: string, near: number): number {
  let best = -1;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
    if (best < 0 || Math.abs(at - near) < Math.abs(best - near)) best = at;
  }
  return best;
}

function fixOffsets(text: string, span: RawSpan, policy: RepairPolicy, counts: RepairCounts): [number, number] | undefined {
  let { start, end } = span;
  if (span.text !== undefined && span.text !== '' && text.slice(start, end) !== span.text) {
    const at = policy.mismatch === 'relocate' ? nearestOccurrence(text, span.text, start) : -1;
    if (at < 0) {
      counts.mismatchDropped++;
      return undefined;
    }
    counts.mismatchRelocated++;
    start = at;
    end = at + span.text.length;
  }
  if (start >= text.length || end <= 0 || start >= end || !Number.isInteger(start) || !Number.isInteger(end)) {
    counts.outOfBoundsDropped++;
    return undefined;
  }
  if (start < 0 || end > text.length) {
    counts.outOfBoundsClipped++;
    start = Math.max(0, start);
    end = Math.min(text.length, end);
  }
  return [start, end];
}

function trimWhitespace(text: string, start: number, end: number, counts: RepairCounts): [number, number] | undefined {
  let s = start;
  let e = end;
  while (s < e && /\s/u.test(text.charAt(s))) s++;
  while (e > s && /\s/u.test(text.charAt(e - 1))) e--;
  if (s === e) {
    counts.whitespaceOnlyDropped++;
    return undefined;
  }
  if (s !== start || e !== end) counts.whitespaceTrimmed++;
  return [s, e];
}

function resolveOverlaps(spans: CleanSpan[], policy: OverlapPolicy, counts: RepairCounts): CleanSpan[] {
  const unique = new Map<string, CleanSpan>();
  for (const span of spans) {
    const key = `${span.start}:${span.end}:${span.type}`;
    if (unique.has(key)) counts.duplicateDropped++;
    else unique.set(key, span);
  }
  const length = (span: CleanSpan): number => span.end - span.start;
  const ordered = [...unique.values()].sort((a, b) =>
    policy === 'longest'
      ? length(b) - length(a) || a.start - b.start || a.type.localeCompare(b.type)
      : a.start - b.start || length(b) - length(a) || a.type.localeCompare(b.type),
  );
  const kept: CleanSpan[] = [];
  for (const span of ordered) {
    if (kept.some((other) => span.start < other.end && other.start < span.end)) counts.overlapDropped++;
    else kept.push(span);
  }
  return kept.sort((a, b) => a.start - b.start);
}

/**
 * Spans with offsets inside `text`, trimmed, without overlaps, sorted by start. `typeOf` maps a
 * source label to an entity type or `undefined` to drop it (the caller counts why).
 */
export function repairSpans(
  text: string,
  spans: readonly RawSpan[],
  typeOf: (label: string) => string | undefined,
  policy: RepairPolicy,
  counts: RepairCounts,
): CleanSpan[] {
  const clean: CleanSpan[] = [];
  for (const span of spans) {
    const type = typeOf(span.label);
    if (type === undefined) continue;
    const offsets = fixOffsets(text, span, policy, counts);
    const trimmed = offsets && trimWhitespace(text, offsets[0], offsets[1], counts);
    if (trimmed) clean.push({ start: trimmed[0], end: trimmed[1], type });
  }
  return resolveOverlaps(clean, policy.overlap, counts);
}
