import { DatasetError } from '../errors.js';

/** GETs `url`, following redirects (fetch drops Authorization on cross-origin hops). */
export async function fetchBytes(
  url: string,
  options: { headers?: Record<string, string>; signal?: AbortSignal; hint?: string } = {},
): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url, { headers: options.headers, redirect: 'follow', signal: options.signal });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new DatasetError(`cannot download ${url}: network error (${reason}).${options.hint ? ` ${options.hint}` : ''}`);
  }
  if (!response.ok) {
    throw new DatasetError(
      `cannot download ${url}: HTTP ${response.status} ${response.statusText}.${options.hint ? ` ${options.hint}` : ''}`,
    );
  }
  return new Uint8Array(await response.arrayBuffer());
}
