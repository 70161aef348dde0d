// Fetches the raw data files a config names (local file, URL or Kaggle), checking sha256 pins.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { DataConfig } from '../config.js';
import type { SplitName } from '../documents.js';
import { DatasetError } from '../errors.js';
import { verifySha256 } from './checksum.js';
import { fetchBytes } from './fetch-bytes.js';
import { downloadKaggleFile } from './kaggle.js';
import { isZip, pickFromZip } from './unzip.js';

export interface SourceFile {
  /** The split this file holds; undefined when the dataset must still be split. */
  readonly split?: SplitName;
  /** Shown in messages: the path as configured, the URL, or `dataset/file` for Kaggle. */
  readonly name: string;
  readonly content: string;
}

export interface AcquireOptions {
  readonly root: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
}

function decode(bytes: Uint8Array): string {
  return new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, '');
}

function pinFor(config: DataConfig, split: SplitName | undefined): string | undefined {
  const pin = config.sha256;
  if (pin === undefined || typeof pin === 'string') return pin;
  return pin[split ?? 'train'];
}

async function readLocal(root: string, configured: string): Promise<Uint8Array> {
  const absolute = path.resolve(root, configured);
  try {
    return await readFile(absolute);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new DatasetError(
      `${configured}: cannot read the data file (${code ?? (error as Error).message}; looked at ${absolute}). ` +
        `Paths in the data config are relative to the project root.`,
    );
  }
}

function unpack(bytes: Uint8Array, name: string): { name: string; bytes: Uint8Array } {
  return isZip(bytes) ? pickFromZip(bytes, undefined, name) : { name, bytes };
}

export async function acquireSourceFiles(config: DataConfig, options: AcquireOptions): Promise<SourceFile[]> {
  switch (config.source) {
    case 'embedded':
      return [];
    case 'file': {
      const entries: [SplitName | undefined, string][] = config.files
        ? Object.entries(config.files).flatMap(([split, file]) => (file ? [[split as SplitName, file]] : []))
        : [[undefined, config.path as string]];
      return Promise.all(
        entries.map(async ([split, file]) => {
          const bytes = await readLocal(options.root, file);
          verifySha256(bytes, pinFor(config, split), file);
          const picked = unpack(bytes, file);
          return { split, name: picked.name === file ? file : `${file}/${picked.name}`, content: decode(picked.bytes) };
        }),
      );
    }
    case 'url': {
      const url = config.url as string;
      const bytes = await fetchBytes(url, { signal: options.signal });
      verifySha256(bytes, pinFor(config, undefined), url);
      const picked = unpack(bytes, url);
      return [{ name: picked.name === url ? url : `${url}#${picked.name}`, content: decode(picked.bytes) }];
    }
    case 'kaggle': {
      const { name, bytes } = await downloadKaggleFile(config.kaggle, { env: options.env, signal: options.signal });
      const shownAs = `kaggle:${config.kaggle.dataset}/${name}`;
      verifySha256(bytes, pinFor(config, undefined), shownAs);
      return [{ name: shownAs, content: decode(bytes) }];
    }
  }
}
