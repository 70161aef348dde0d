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

/** Parses a whole JSON document; a syntax error is reported with its line number. */
export function parseJsonDocument(content: string, file: string): unknown {
  try {
    return JSON.parse(content);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const line = position === undefined ? undefined : content.slice(0, Number(position)).split('\n').length;
    const at = line === undefined ? file : `${file}:${line}`;
    throw new DatasetError(`${at}: malformed JSON (${message}). Fix the file or check its format: setting.`);
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
