// SHA-256 of a file's content, read in chunks into a reused buffer (no per-file allocation).
import { createHash } from 'node:crypto';
import { closeSync, openSync, readSync } from 'node:fs';

export const CHUNK_BYTES = 1 << 20;

export type FileHashOutcome = { readonly hash: string; readonly size: number } | { readonly error: string; readonly code?: string };

export function hashFileSync(absPath: string, buffer: Buffer): FileHashOutcome {
  let fd: number;
  try {
    fd = openSync(absPath, 'r');
  } catch (error) {
    return describeError(error);
  }
  try {
    const hash = createHash('sha256');
    let size = 0;
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) {
      hash.update(buffer.subarray(0, n));
      size += n;
    }
    return { hash: hash.digest('hex'), size };
  } catch (error) {
    return describeError(error);
  } finally {
    closeSync(fd);
  }
}

function describeError(error: unknown): FileHashOutcome {
  const code = (error as NodeJS.ErrnoException).code;
  return { error: error instanceof Error ? error.message : String(error), ...(code ? { code } : {}) };
}

/**
 * The same loop for worker threads, as plain CommonJS source: an eval'd worker runs the same way
 * from the TypeScript sources (tsx) and from compiled dist/, with no worker file to locate.
 */
export const HASH_WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { openSync, readSync, closeSync } = require('node:fs');
const { createHash } = require('node:crypto');
const buffer = Buffer.allocUnsafe(${CHUNK_BYTES});
function hashFile(file) {
  let fd;
  try { fd = openSync(file, 'r'); } catch (e) { return { error: String(e && e.message), code: e && e.code }; }
  try {
    const hash = createHash('sha256');
    let size = 0;
    for (let n = readSync(fd, buffer, 0, buffer.length, null); n > 0; n = readSync(fd, buffer, 0, buffer.length, null)) {
      hash.update(buffer.subarray(0, n));
      size += n;
    }
    return { hash: hash.digest('hex'), size };
  } catch (e) {
    return { error: String(e && e.message), code: e && e.code };
  } finally {
    closeSync(fd);
  }
}
parentPort.on('message', (job) => {
  parentPort.postMessage({ id: job.id, results: job.files.map(hashFile) });
});
`;
