// Runtime validation of lock and journal content (hand-edited or half-written files happen).
import { z } from 'zod';
import { LOCK_SCHEMA_VERSION } from './types.js';

const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 hex digest');
const count = z.number().int().nonnegative();

export const lockedPathSchema = z.strictObject({
  path: z.string().min(1),
  hash: sha256,
  size: count,
  nfiles: count.optional(),
  isexec: z.literal(true).optional(),
});

export const lockedStageSchema = z.strictObject({
  definition: sha256,
  deps: z.array(lockedPathSchema),
  params: z.record(z.string(), z.record(z.string(), z.unknown())),
  outs: z.array(lockedPathSchema),
});

export const lockFileSchema = z.strictObject({
  schema: z.literal(LOCK_SCHEMA_VERSION),
  stages: z.record(z.string(), lockedStageSchema),
});

export const journalEntrySchema = z.strictObject({
  stage: z.string().min(1),
  locked: lockedStageSchema.nullable(),
});
