import { InputError } from '../input-error.js';

/** A problem with the user's data or data config; the message names the file, line and fix. */
export class DatasetError extends InputError {
  override readonly name = 'DatasetError';
}

/** `file:line: message` when the line is known. */
export function where(file: string, line?: number): string {
  return line === undefined ? file : `${file}:${line}`;
}
