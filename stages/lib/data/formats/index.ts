// Format names, auto-detection and dispatch to the parsers.
import type { RawDocument } from '../documents.js';
import { DatasetError } from '../errors.js';
import type { RepairCounts } from '../repair-counts.js';
import { parseConll } from './conll.js';
import { parseDataturks } from './dataturks.js';
import { parseJsonlTokens } from './jsonl-tokens.js';
import { parseKaggleJson } from './kaggle-json.js';

export const FORMAT_NAMES = ['kaggle-json', 'dataturks', 'conll', 'jsonl-tokens'] as const;
export type FormatName = (typeof FORMAT_NAMES)[number];

export function isFormatName(value: string): value is FormatName {
  return (FORMAT_NAMES as readonly string[]).includes(value);
}

export function unknownFormatError(format: string, where: string): DatasetError {
  return new DatasetError(`${where}: unknown format "${format}"; known formats: ${FORMAT_NAMES.join(', ')}.`);
}

function firstLine(content: string): string {
  return content.trimStart().split(/\r?\n/, 1)[0] ?? '';
}

/** Guesses the format from the content (and the name for CoNLL files). */
export function detectFormat(content: string, file: string): FormatName {
  const head = content.trimStart();
  if (head.startsWith('[')) return 'kaggle-json';
  if (head.startsWith('{')) {
    try {
      const record = JSON.parse(firstLine(content)) as Record<string, unknown>;
      if ('content' in record && 'annotation' in record) return 'dataturks';
      if ('tokens' in record && 'tags' in record) return 'jsonl-tokens';
      if ('text' in record && 'annotations' in record) return 'kaggle-json';
    } catch {
      // Not one record per line: fall through to the error below.
    }
  } else if (/\.(conll|iob|bio|tsv|txt|annotated)$/i.test(file) || /^\S+[\t ]+(?:O|[BIES]-\S.*)$/.test(firstLine(content))) {
    return 'conll';
  }
  throw new DatasetError(
    `${file}: cannot detect the data format; set format: to one of ${FORMAT_NAMES.join(', ')} in the data config.`,
  );
}

export function parseDocuments(
  format: FormatName,
  content: string,
  file: string,
  idPrefix: string,
  counts: RepairCounts,
): RawDocument[] {
  const prefixed = (docs: RawDocument[]): RawDocument[] =>
    docs.map((doc) => ({ ...doc, id: doc.id.replace(/^(?:doc|sent)-/, `${idPrefix}-`) }));
  switch (format) {
    case 'kaggle-json': {
      const { documents, loneSurrogatesReplaced } = parseKaggleJson(content, file);
      counts.loneSurrogatesReplaced += loneSurrogatesReplaced;
      return prefixed(documents);
    }
    case 'dataturks':
      return prefixed(parseDataturks(content, file));
    case 'conll':
      return parseConll(content, file, idPrefix);
    case 'jsonl-tokens':
      return prefixed(parseJsonlTokens(content, file));
  }
}
