// Turns parsed documents into tokenised IOB2 Samples, counting every repair.
import { extractEntities } from '../metrics/entities.js';
import type { RawDocument, SpanDocument, TokenDocument } from './documents.js';
import { DatasetError } from './errors.js';
import { resolveLabel, type LabelRules } from './labels.js';
import type { RepairCounts } from './repair-counts.js';
import { repairSpans, type CleanSpan, type RepairPolicy } from './repair-spans.js';
import type { Sample } from './sample.js';
import { detokenize, tokenize } from './tokenize.js';

export interface NormaliseOptions {
  readonly labels: LabelRules;
  readonly repair: RepairPolicy;
}

/** IOB2 tags for tokens at `offsets`; a token belongs to the span it overlaps. */
export function spansToTags(
  offsets: readonly (readonly [number, number])[],
  spans: readonly CleanSpan[],
  counts?: RepairCounts,
): string[] {
  const tags = offsets.map(() => 'O');
  for (const span of spans) {
    const covered: number[] = [];
    offsets.forEach(([start, end], i) => {
      if (start < span.end && span.start < end) covered.push(i);
    });
    if (covered.length === 0 || covered.some((i) => tags[i] !== 'O')) {
      if (counts) counts.sharedTokenDropped++;
      continue;
    }
    covered.forEach((i, n) => {
      tags[i] = `${n === 0 ? 'B' : 'I'}-${span.type}`;
    });
  }
  return tags;
}

function typeResolver(doc: RawDocument, options: NormaliseOptions, counts: RepairCounts) {
  return (label: string): string | undefined => {
    const decision = resolveLabel(label, options.labels, doc.where);
    if ('type' in decision) return decision.type;
    counts[decision.drop]++;
    return undefined;
  };
}

function fromSpans(doc: SpanDocument, options: NormaliseOptions, counts: RepairCounts): Sample {
  const spans = repairSpans(doc.text, doc.spans, typeResolver(doc, options, counts), options.repair, counts);
  const { tokens, offsets } = tokenize(doc.text);
  return { id: doc.id, text: doc.text, tokens, offsets, tags: spansToTags(offsets, spans, counts) };
}

const TAG = /^(?:O|[BIES]-.+)$/;

function fromTokens(doc: TokenDocument, options: NormaliseOptions, counts: RepairCounts): Sample {
  const typeOf = typeResolver(doc, options, counts);
  doc.tags.forEach((tag, i) => {
    if (!TAG.test(tag)) {
      throw new DatasetError(
        `${doc.where}: token ${i + 1} ("${doc.tokens[i]}") has tag "${tag}"; expected O, B-TYPE or I-TYPE (IOB2).`,
      );
    }
  });
  const { text, offsets } = detokenize(doc.tokens);
  const tags = doc.tokens.map(() => 'O');
  for (const entity of extractEntities(doc.tags)) {
    const type = typeOf(entity.type);
    if (type === undefined) continue;
    for (let i = entity.start; i < entity.end; i++) tags[i] = `${i === entity.start ? 'B' : 'I'}-${type}`;
    // Count sources that were not clean IOB2 (I- opening an entity, IOBES prefixes).
    const source = doc.tags.slice(entity.start, entity.end);
    if (!source[0]?.startsWith('B-') || source.slice(1).some((tag) => !tag.startsWith('I-'))) counts.iobRepaired++;
  }
  return { id: doc.id, text, tokens: [...doc.tokens], offsets, tags };
}

export function normaliseDocument(doc: RawDocument, options: NormaliseOptions, counts: RepairCounts): Sample {
  return doc.kind === 'spans' ? fromSpans(doc, options, counts) : fromTokens(doc, options, counts);
}
