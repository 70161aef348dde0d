// A file written in pieces (a config saved chunk by chunk, a slow copy) must not be read half
// way. Before changed paths are read, each must have kept its size and modification time for
// `settleMs`. A quick save is older than that by the time the debounce fires, or nearly so: it
// costs a stat, and at most the rest of `settleMs`.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

type Seen = Map<string, string>;

/** Resolves once no path changed for `settleMs` (or `stopped()` says to give up). */
export async function waitForWritesToSettle(root: string, paths: readonly string[], settleMs: number, stopped: () => boolean): Promise<void> {
  if (settleMs <= 0) return;
  let seen = await look(root, paths);
  for (;;) {
    const newest = Math.max(...[...seen.values()].map(mtimeOf));
    // A clock ahead of ours (a network file system) counts as "just written".
    const wait = Math.min(settleMs, settleMs - (Date.now() - newest));
    if (wait <= 0 || stopped()) return;
    await sleep(wait);
    const now = await look(root, paths);
    if (same(seen, now)) return;
    seen = now;
  }
}

async function look(root: string, paths: readonly string[]): Promise<Seen> {
  const seen: Seen = new Map();
  await Promise.all(
    paths.map(async (rel) => {
      const info = await stat(path.join(root, rel)).catch(() => undefined);
      // Gone is settled: a removal is acted on at once.
      seen.set(rel, info === undefined ? '' : `${info.size}:${info.mtimeMs}`);
    }),
  );
  return seen;
}

function mtimeOf(seen: string): number {
  return seen === '' ? Number.NEGATIVE_INFINITY : Number(seen.slice(seen.indexOf(':') + 1));
}

function same(a: Seen, b: Seen): boolean {
  return [...a].every(([rel, value]) => b.get(rel) === value);
}
