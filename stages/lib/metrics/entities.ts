// Entity chunking compatible with seqeval's default (conlleval-style) mode.
import type { Sample } from '../data/sample.js';

/** A chunk of tokens: `start` inclusive, `end` exclusive (token indices). */
export interface Entity {
  readonly type: string;
  readonly start: number;
  readonly end: number;
}

/** An entity located in the original text (UTF-16 offsets, end exclusive). */
export interface EntitySpan extends Entity {
  readonly charStart: number;
  readonly charEnd: number;
  readonly text: string;
}

export interface ParsedTag {
  readonly prefix: string;
  readonly type: string;
}

// seqeval: prefix = first character, type = text after the first '-' ('_' when there is none).
export function parseTag(tag: string): ParsedTag {
  const prefix = tag.charAt(0);
  const rest = tag.slice(1);
  const dash = rest.indexOf('-');
  const type = (dash >= 0 ? rest.slice(dash + 1) : rest) || '_';
  return { prefix, type };
}

function endsChunk(prev: ParsedTag, cur: ParsedTag): boolean {
  if (prev.prefix === 'E' || prev.prefix === 'S') return true;
  if (prev.prefix === 'B' || prev.prefix === 'I') {
    if (cur.prefix === 'B' || cur.prefix === 'S' || cur.prefix === 'O') return true;
  }
  return prev.prefix !== 'O' && prev.prefix !== '.' && prev.type !== cur.type;
}

function startsChunk(prev: ParsedTag, cur: ParsedTag): boolean {
  if (cur.prefix === 'B' || cur.prefix === 'S') return true;
  if ((prev.prefix === 'E' || prev.prefix === 'S' || prev.prefix === 'O') && (cur.prefix === 'E' || cur.prefix === 'I')) {
    return true;
  }
  return cur.prefix !== 'O' && cur.prefix !== '.' && prev.type !== cur.type;
}

/**
 * Entities in one tag sequence with lenient chunking: `I-X` after `O` or after another type starts
 * a new entity, a type change ends the previous one, `B-X B-X` gives two entities.
 */
export function extractEntities(tags: readonly string[]): Entity[] {
  const entities: Entity[] = [];
  let prev: ParsedTag = { prefix: 'O', type: '' };
  let chunkStart = -1;
  let chunkType = '';
  // A trailing 'O' closes the last chunk, as seqeval does.
  for (let i = 0; i <= tags.length; i++) {
    const cur = parseTag(i < tags.length ? (tags[i] as string) : 'O');
    if (chunkStart >= 0 && endsChunk(prev, cur)) {
      entities.push({ type: chunkType, start: chunkStart, end: i });
      chunkStart = -1;
    }
    if (startsChunk(prev, cur)) {
      chunkStart = i;
      chunkType = cur.type;
    }
    prev = cur;
  }
  return entities;
}

/** Entities of `tags` (aligned with `sample.tokens`) mapped to character spans of `sample.text`. */
export function entitiesToSpans(sample: Sample, tags: readonly string[]): EntitySpan[] {
  if (tags.length !== sample.offsets.length) {
    throw new Error(`entitiesToSpans: ${tags.length} tags for ${sample.offsets.length} tokens in sample ${sample.id}`);
  }
  return extractEntities(tags).map((entity) => {
    const first = sample.offsets[entity.start] as readonly [number, number];
    const last = sample.offsets[entity.end - 1] as readonly [number, number];
    return { ...entity, charStart: first[0], charEnd: last[1], text: sample.text.slice(first[0], last[1]) };
  });
}
