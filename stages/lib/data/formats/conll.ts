// CoNLL: one `token<TAB or spaces>tag` per line (extra middle columns ignored); any
// whitespace-only line ends a sentence (WNUT-17 train uses lines holding a single TAB).
import type { TokenDocument } from '../documents.js';
import { DatasetError } from '../errors.js';

const TAG = /^(?:O|[BIES]-\S.*)$/;

export function parseConll(content: string, file: string, idPrefix = 'sent'): TokenDocument[] {
  const documents: TokenDocument[] = [];
  let tokens: string[] = [];
  let tags: string[] = [];
  let firstLine = 0;
  const flush = (): void => {
    if (tokens.length === 0) return;
    const id = `${idPrefix}-${String(documents.length + 1).padStart(5, '0')}`;
    documents.push({ kind: 'tokens', id, where: `${file}:${firstLine}`, tokens, tags });
    tokens = [];
    tags = [];
  };
  content.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') {
      flush();
      return;
    }
    if (line.startsWith('-DOCSTART-')) return;
    const fields = line.trim().split(/\s+/);
    const token = fields[0] as string;
    const tag = fields[fields.length - 1] as string;
    if (fields.length < 2 || !TAG.test(tag)) {
      throw new DatasetError(
        `${file}:${i + 1}: malformed line ${JSON.stringify(line)}; expected "token<TAB>tag" with tag O, B-TYPE or I-TYPE.`,
      );
    }
    if (tokens.length === 0) firstLine = i + 1;
    tokens.push(token);
    tags.push(tag);
  });
  flush();
  return documents;
}
