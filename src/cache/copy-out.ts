// Copies objects out of the store: each file checked against its expected size (and, when
// verifying, its hash) while it is copied, created with its final mode. Large restores run on
// worker threads with synchronous calls: a promise per open/copy/chmod through the thread pool
// made a 10,000-file restore three times slower than `cp -r`.
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

export interface CopyJob {
  readonly src: string;
  readonly dst: string;
  /** Expected size; a different size is reported, not copied. */
  readonly size?: number;
  readonly mode: number;
  /** With `verify`, the content must hash to this. */
  readonly hash: string;
}

export type CopyProblem = { readonly kind: 'missing' } | { readonly kind: 'size'; readonly actual: number } | { readonly kind: 'corrupt' };

// Plain JavaScript in a string, so that one source runs on the workers and inline, from tsc's
// output and under tsx alike (a transpiled function's text may reference transpiler helpers).
const COPY_SOURCE = `
const fs = require('node:fs');
const { createHash } = require('node:crypto');
let cloneWorks;
function copyOne(job, verify, buffer) {
  let src;
  try { src = fs.openSync(job.src, 'r'); } catch { return { kind: 'missing' }; }
  try {
    const size = fs.fstatSync(src).size;
    if (job.size !== undefined && job.size !== null && size !== job.size) return { kind: 'size', actual: size };
    if (cloneWorks !== false) {
      try {
        // A copy-on-write clone where the filesystem has them: no data is copied at all.
        fs.copyFileSync(job.src, job.dst, fs.constants.COPYFILE_FICLONE_FORCE);
        fs.chmodSync(job.dst, job.mode);
        cloneWorks = true;
        if (verify) {
          const hash = createHash('sha256');
          for (let n; (n = fs.readSync(src, buffer, 0, buffer.length, null)) > 0; ) hash.update(buffer.subarray(0, n));
          if (hash.digest('hex') !== job.hash) return { kind: 'corrupt' };
        }
        return null;
      } catch (error) {
        if (cloneWorks === true) throw error;
        cloneWorks = false;
        fs.rmSync(job.dst, { force: true });
      }
    }
    const dst = fs.openSync(job.dst, 'wx', job.mode);
    try {
      const hash = verify ? createHash('sha256') : undefined;
      for (let n; (n = fs.readSync(src, buffer, 0, buffer.length, null)) > 0; ) {
        if (hash) hash.update(buffer.subarray(0, n));
        for (let offset = 0; offset < n; ) offset += fs.writeSync(dst, buffer, offset, n - offset);
      }
      if (hash && hash.digest('hex') !== job.hash) return { kind: 'corrupt' };
    } finally {
      fs.closeSync(dst);
    }
    return null;
  } finally {
    fs.closeSync(src);
  }
}
function copyBatch(jobs, verify) {
  const buffer = Buffer.allocUnsafe(1 << 20);
  return jobs.map((job) => copyOne(job, verify, buffer));
}
`;

const WORKER_SOURCE = `${COPY_SOURCE}
const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ id, jobs, verify }) => {
  try {
    parentPort.postMessage({ id, problems: copyBatch(jobs, verify) });
  } catch (error) {
    parentPort.postMessage({ id, error: String(error && error.stack || error) });
  }
});
`;

type CopyBatch = (jobs: readonly CopyJob[], verify: boolean) => (CopyProblem | null)[];

let inlineCopy: CopyBatch | undefined;
const copyInline = (jobs: readonly CopyJob[], verify: boolean) =>
  (inlineCopy ??= new Function('require', `${COPY_SOURCE}\nreturn copyBatch;`)(createRequire(import.meta.url)) as CopyBatch)(jobs, verify);

/** Below these, starting workers costs more than it saves. */
const INLINE_MAX_FILES = 64;
const INLINE_MAX_BYTES = 32 << 20;
const BATCH_FILES = 64;

/** Copies every job; the result lists the problem of each job that was not copied (null: copied). */
export async function copyOut(jobs: readonly CopyJob[], verify: boolean): Promise<(CopyProblem | null)[]> {
  const bytes = jobs.reduce((sum, job) => sum + (job.size ?? 0), 0);
  const workers = Math.min(availableParallelism(), 4, Math.ceil(jobs.length / BATCH_FILES));
  if ((jobs.length <= INLINE_MAX_FILES && bytes <= INLINE_MAX_BYTES) || workers <= 1) return copyInline(jobs, verify);
  const results = new Array<CopyProblem | null>(jobs.length);
  let next = 0;
  const runWorker = async (): Promise<void> => {
    const worker = new Worker(WORKER_SOURCE, { eval: true });
    try {
      while (next < jobs.length) {
        const start = next;
        next = Math.min(jobs.length, next + BATCH_FILES);
        const batch = jobs.slice(start, next);
        const reply = await new Promise<{ problems?: (CopyProblem | null)[]; error?: string }>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.postMessage({ id: start, jobs: batch, verify });
        });
        worker.removeAllListeners('error');
        if (reply.error !== undefined) throw new Error(`Internal error while restoring from the cache: ${reply.error}`);
        reply.problems!.forEach((problem, i) => (results[start + i] = problem));
      }
    } finally {
      await worker.terminate();
    }
  };
  await Promise.all(Array.from({ length: workers }, runWorker));
  return results;
}
