// Decides which progress events the plain reporter prints: the first, one per 10% of the
// total, the last, and otherwise at most one per 5 s of event time. Counts, not timers.

export interface ProgressGateOptions {
  readonly buckets?: number;
  readonly intervalMs?: number;
}

interface Printed {
  readonly time: number;
  readonly bucket: number;
}

export interface PlainProgressGate {
  shouldPrint(key: string, time: number, current: number, total: number | undefined): boolean;
  forget(keyPrefix: string): void;
}

export function createPlainProgressGate(options: ProgressGateOptions = {}): PlainProgressGate {
  const buckets = options.buckets ?? 10;
  const intervalMs = options.intervalMs ?? 5000;
  const printed = new Map<string, Printed>();
  return {
    shouldPrint(key, time, current, total) {
      const bucket = total && total > 0 ? Math.min(buckets, Math.floor((current / total) * buckets)) : -1;
      const last = printed.get(key);
      const due =
        last === undefined ||
        (bucket > last.bucket) ||
        time - last.time >= intervalMs;
      if (due) printed.set(key, { time, bucket: Math.max(bucket, last?.bucket ?? -1) });
      return due;
    },
    forget(keyPrefix) {
      for (const key of printed.keys()) if (key === keyPrefix || key.startsWith(`${keyPrefix}\u0000`)) printed.delete(key);
    },
  };
}
