// Validation of run-cache entries (a hand-edited or half-written entry counts as absent).
import { z } from 'zod';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/);

export const runCacheOutSchema = z.object({
  path: z.string(),
  kind: z.enum(['file', 'dir']),
  hash: sha256,
  size: z.number().int().nonnegative(),
  nfiles: z.number().int().nonnegative().optional(),
  /** A file whose executable bit is set. */
  isexec: z.literal(true).optional(),
});

export const runCacheEntrySchema = z.object({
  outs: z.array(runCacheOutSchema),
  durationMs: z.number().nonnegative(),
  /** Epoch milliseconds. */
  createdAt: z.number(),
  runId: z.string(),
  /** Epoch milliseconds of the last run that reused the entry. */
  usedAt: z.number().optional(),
});

export type RunCacheOut = z.infer<typeof runCacheOutSchema>;
export type RunCacheEntry = z.infer<typeof runCacheEntrySchema>;
