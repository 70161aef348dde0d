// DataTurks JSON lines: {"content": ..., "annotation": [{"label": [...], "points": [{start, end, text}]}]}.
// `end` is inclusive.
import type { RawSpan, SpanDocument } from '../documents.js';
import { DatasetError } from '../errors.js';
import { isRecord, parseJsonLines } from './json-lines.js';

function spansOf(annotation: unknown, where: string): RawSpan[] {
  if (!isRecord(annotation)) throw new DatasetError(`${where}: each annotation must be an object with "label" and "points".`);
  const labels = Array.isArray(annotation.label) ? annotation.label : [annotation.label];
  const points = Array.isArray(annotation.points) ? annotation.points : [];
  const spans: RawSpan[] = [];
  for (const point of points) {
    if (!isRecord(point) || typeof point.start !== 'number' || typeof point.end !== 'number') {
      throw new DatasetError(`${where}: annotation point ${JSON.stringify(point)} needs numeric "start" and "end".`);
    }
    const text = typeof point.text === 'string' ? point.text : undefined;
    for (const label of labels.length > 0 ? labels : ['']) {
      spans.push({ start: point.start, end: point.end + 1, label: typeof label === 'string' ? label : '', text });
    }
  }
  return spans;
}

export function parseDataturks(content: string, file: string): SpanDocument[] {
  return parseJsonLines(content, file).map(({ line, value }, i) => {
    const where = `${file}:${line}`;
    if (!isRecord(value) || typeof value.content !== 'string') {
      throw new DatasetError(`${where}: malformed line, expected {"content": string, "annotation": [...]}.`);
    }
    const annotations = Array.isArray(value.annotation) ? value.annotation : [];
    const spans = annotations.flatMap((annotation) => spansOf(annotation, where));
    return { kind: 'spans', id: `doc-${String(i + 1).padStart(5, '0')}`, where, text: value.content, spans };
  });
}
