import { DatasetError } from '../errors.js';

export interface JsonLine {
  readonly line: number;
  readonly value: unknown;
}

/** Parses one JSON value per non-blank line; a bad line is reported with its number. */
export function parseJsonLines(content: string, file: string): JsonLine[] {
  const records: JsonLine[] = [];
  content.split(/\r?\n/).forEach((text, i) => {
    if (text.trim() === '') return;
    try {
      records.push({ line: i + 1, value: JSON.parse(text) });
    } catch (error) {
      throw new DatasetError(
        `${file}:${i + 1}: malformed line, not valid JSON (${(error as Error).message}). Fix or remove the line.`,
      );
    }
  });
  return records;
}

function failsBeforeEnd(prefix: string): boolean {
  try {
    JSON.parse(prefix);
    return false;
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    return !/end of JSON input/.test(message) && (position === undefined || Number(position) < prefix.length);
  }
}

/**
 * Line of a JSON syntax error. V8 does not always say where ("Unexpected token ..."), so find the
 * shortest prefix that fails for a reason other than ending early (binary search; error path only).
 */
export function jsonErrorLine(content: string): number {
  let low = 1;
  let high = content.length;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (failsBeforeEnd(content.slice(0, mid))) high = mid;
    else low = mid + 1;
  }
  return content.slice(0, Math.max(0, low - 1)).split('\n').length;
}

/** Parses a whole JSON document; a syntax error is reported with its line number. */
export function parseJsonDocument(content: string, file: string): unknown {
  try {
    return JSON.parse(content);
  } catch (error) {
    const message = (error as Error).message.split('\n', 1)[0];
    throw new DatasetError(
      `${file}:${jsonErrorLine(content)}: malformed JSON (${message}). Fix the file or set format: in the data config.`,
    );
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
