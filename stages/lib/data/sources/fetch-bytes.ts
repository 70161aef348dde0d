import { DatasetError } from '../errors.js';

const MAX_REDIRECTS = 10;

async function get(url: string, headers: Record<string, string>, signal: AbortSignal | undefined, hint: string): Promise<Response> {
  try {
    return await fetch(url, { headers, redirect: 'manual', signal });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new DatasetError(`cannot download ${url}: network error (${reason}).${hint}`);
  }
}

/**
 * GETs `url`, following redirects by hand so credentials never reach another origin (Kaggle
 * redirects to a signed storage URL that must not see the Authorization header).
 */
export async function fetchBytes(
  url: string,
  options: { headers?: Record<string, string>; signal?: AbortSignal; hint?: string } = {},
): Promise<Uint8Array> {
  const hint = options.hint ? ` ${options.hint}` : '';
  const origin = new URL(url).origin;
  let current = url;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const headers = new URL(current).origin === origin ? (options.headers ?? {}) : {};
    const response = await get(current, headers, options.signal, hint);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      current = new URL(location, current).href;
      continue;
    }
    if (!response.ok) {
      throw new DatasetError(`cannot download ${url}: HTTP ${response.status} ${response.statusText}.${hint}`);
    }
    return new Uint8Array(await response.arrayBuffer());
  }
  throw new DatasetError(`cannot download ${url}: more than ${MAX_REDIRECTS} redirects.${hint}`);
}
