import { unzipSync } from 'fflate';
import { DatasetError } from '../errors.js';

const DATA_FILE = /\.(json|jsonl|conll|txt|tsv|iob)$/i;

export function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/**
 * The data file inside a zip: `wanted` when given (matched by full path or base name), else
 * `train.json`, else the largest data-looking file.
 */
export function pickFromZip(zip: Uint8Array, wanted: string | undefined, shownAs: string): { name: string; bytes: Uint8Array } {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zip);
  } catch (error) {
    throw new DatasetError(`${shownAs}: not a readable zip archive (${(error as Error).message}).`);
  }
  const files = Object.entries(entries).filter(([name]) => !name.endsWith('/'));
  const baseName = (name: string): string => name.slice(name.lastIndexOf('/') + 1);
  const match =
    wanted !== undefined
      ? files.find(([name]) => name === wanted || baseName(name) === wanted)
      : (files.find(([name]) => baseName(name) === 'train.json') ??
        files.filter(([name]) => DATA_FILE.test(name)).sort((a, b) => b[1].length - a[1].length)[0]);
  if (!match) {
    const listing = files.map(([name]) => name).join(', ') || '(empty)';
    throw new DatasetError(
      `${shownAs}: ${wanted ? `no file "${wanted}"` : 'no data file'} in the archive (it holds: ${listing}); name one with file: in the data config.`,
    );
  }
  return { name: match[0], bytes: match[1] };
}
