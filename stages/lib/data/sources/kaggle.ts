// Kaggle public API: GET {base}/api/v1/datasets/download/{owner}/{slug} → zip, HTTP Basic auth.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import { DatasetError } from '../errors.js';
import { fetchBytes } from './fetch-bytes.js';
import { pickFromZip } from './unzip.js';

export interface KaggleSource {
  readonly dataset: string;
  readonly file?: string;
  readonly base: string;
}

export interface KaggleCredentials {
  readonly username: string;
  readonly key: string;
}

export function kaggleConfigFile(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(env.KAGGLE_CONFIG_DIR ?? path.join(homedir(), '.kaggle'), 'kaggle.json');
}

/** From KAGGLE_USERNAME + KAGGLE_KEY, else from kaggle.json. */
export async function kaggleCredentials(env: NodeJS.ProcessEnv = process.env): Promise<KaggleCredentials> {
  if (env.KAGGLE_USERNAME && env.KAGGLE_KEY) return { username: env.KAGGLE_USERNAME, key: env.KAGGLE_KEY };
  const file = kaggleConfigFile(env);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new DatasetError(
      `source: kaggle needs Kaggle API credentials: set KAGGLE_USERNAME and KAGGLE_KEY, or create ${file} ` +
        `({"username": ..., "key": ...}, from kaggle.com → Settings → API; KAGGLE_CONFIG_DIR moves it).`,
    );
  }
  try {
    const parsed = JSON.parse(text) as { username?: unknown; key?: unknown };
    if (typeof parsed.username === 'string' && typeof parsed.key === 'string') {
      return { username: parsed.username, key: parsed.key };
    }
  } catch {
    // Reported below together with the missing-field case.
  }
  throw new DatasetError(`${file}: expected {"username": "...", "key": "..."}; or set KAGGLE_USERNAME and KAGGLE_KEY.`);
}

export function kaggleDownloadUrl(source: KaggleSource): string {
  const [owner, slug] = source.dataset.split('/') as [string, string];
  return `${source.base.replace(/\/+$/, '')}/api/v1/datasets/download/${encodeURIComponent(owner)}/${encodeURIComponent(slug)}`;
}

export async function downloadKaggleZip(
  source: KaggleSource,
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): Promise<Uint8Array> {
  const env = options.env ?? process.env;
  const { username, key } = await kaggleCredentials(env);
  const authorization = `Basic ${Buffer.from(`${username}:${key}`).toString('base64')}`;
  return fetchBytes(kaggleDownloadUrl(source), {
    headers: { Authorization: authorization },
    signal: options.signal,
    hint: `Check the dataset name (${source.dataset}), your network, and the credentials in KAGGLE_USERNAME/KAGGLE_KEY or ${kaggleConfigFile(env)}.`,
  });
}

/** Downloads the dataset archive and returns its data file. */
export async function downloadKaggleFile(
  source: KaggleSource,
  options: { env?: NodeJS.ProcessEnv; signal?: AbortSignal } = {},
): Promise<{ name: string; bytes: Uint8Array; zip: Uint8Array }> {
  const zip = await downloadKaggleZip(source, options);
  return { ...pickFromZip(zip, source.file, `kaggle dataset ${source.dataset}`), zip };
}
