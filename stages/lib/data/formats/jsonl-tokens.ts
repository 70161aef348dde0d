// {"tokens": [...], "tags": [...]} per line.
import type { TokenDocument } from '../documents.js';
import { DatasetError } from '../errors.js';
import { isRecord, parseJsonLines } from './json-lines.js';

const isStringArray = (value: unknown): value is string[] =>
  Array.isArray(value) && value.every((item) => typeof item === 'string');

export function parseJsonlTokens(content: string, file: string): TokenDocument[] {
  return parseJsonLines(content, file).map(({ line, value }, i) => {
    const where = `${file}:${line}`;
    if (!isRecord(value) || !isStringArray(value.tokens) || !isStringArray(value.tags)) {
      throw new DatasetError(`${where}: malformed line, expected {"tokens": [string], "tags": [string]}.`);
    }
    if (value.tokens.length !== value.tags.length) {
      throw new DatasetError(`${where}: ${value.tokens.length} tokens but ${value.tags.length} tags; they must match.`);
    }
    const id = typeof value.id === 'string' ? value.id : `sent-${String(i + 1).padStart(5, '0')}`;
    return { kind: 'tokens', id, where, tokens: value.tokens, tags: value.tags };
  });
}
