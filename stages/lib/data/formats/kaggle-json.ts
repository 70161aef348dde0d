// `[{"text": ..., "annotations": [[start, end, "LABEL"], ...]}, ...]` (also one record per line).
// Offsets count Python code points with an exclusive end; JS strings count UTF-16 units.
import type { RawSpan, SpanDocument } from '../documents.js';
import { DatasetError } from '../errors.js';
import { isRecord, parseJsonDocument, parseJsonLines } from './json-lines.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Replaces lone surrogates (from escapes like "\uD83D") with U+FFFD: one code point for one, so offsets hold. */
export function replaceLoneSurrogates(text: string): { text: string; replaced: number } {
  let replaced = 0;
  const fixed = text.replace(LONE_SURROGATE, () => {
    replaced++;
    return '\uFFFD';
  });
  return { text: fixed, replaced };
}

/** UTF-16 index of each code-point index (length = code points + 1), or undefined when they coincide. */
export function codePointToUtf16(text: string): number[] | undefined {
  if (!/[\uD800-\uDFFF]/.test(text)) return undefined;
  const index: number[] = [];
  let unit = 0;
  for (const char of text) {
    index.push(unit);
    unit += char.length;
  }
  index.push(unit);
  return index;
}

function parseAnnotations(value: unknown, where: string): unknown[] {
  let annotations = value ?? [];
  if (typeof annotations === 'string') {
    try {
      annotations = JSON.parse(annotations);
    } catch {
      throw new DatasetError(`${where}: "annotations" is a string that is not valid JSON.`);
    }
  }
  if (!Array.isArray(annotations)) throw new DatasetError(`${where}: "annotations" must be a list of [start, end, label].`);
  return annotations;
}

function toSpan(annotation: unknown, index: number[] | undefined, where: string): RawSpan {
  const [start, end, label] = Array.isArray(annotation)
    ? annotation
    : isRecord(annotation)
      ? [annotation.start, annotation.end, annotation.label]
      : [];
  if (typeof start !== 'number' || typeof end !== 'number' || !(typeof label === 'string' || label == null)) {
    throw new DatasetError(`${where}: annotation ${JSON.stringify(annotation)} is not [start, end, "LABEL"].`);
  }
  // Offsets past the end stay past the end so span repair can clip or drop them and count it.
  const convert = (at: number): number => (index && at >= 0 && at < index.length ? (index[at] as number) : at);
  return { start: convert(start), end: convert(end), label: label ?? '' };
}

export interface KaggleJsonResult {
  readonly documents: SpanDocument[];
  readonly loneSurrogatesReplaced: number;
}

export function parseKaggleJson(content: string, file: string): KaggleJsonResult {
  const trimmed = content.trimStart();
  const records = trimmed.startsWith('[')
    ? (parseJsonDocument(content, file) as unknown[]).map((value, i) => ({ value, where: `${file} record ${i + 1}` }))
    : parseJsonLines(content, file).map(({ line, value }) => ({ value, where: `${file}:${line}` }));
  let loneSurrogatesReplaced = 0;
  const documents = records.map(({ value, where }, i): SpanDocument => {
    if (!isRecord(value) || typeof value.text !== 'string') {
      throw new DatasetError(`${where}: expected an object {"text": string, "annotations": [...]}.`);
    }
    const { text, replaced } = replaceLoneSurrogates(value.text);
    loneSurrogatesReplaced += replaced;
    const index = codePointToUtf16(text);
    const spans = parseAnnotations(value.annotations, where).map((a) => toSpan(a, index, where));
    return { kind: 'spans', id: `doc-${String(i + 1).padStart(5, '0')}`, where, text, spans };
  });
  return { documents, loneSurrogatesReplaced };
}
