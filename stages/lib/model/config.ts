// Validates config/model/<backbone>.yaml (plus hyperparameter overrides) into a typed config.
import { z } from 'zod';
import { InputError } from '../input-error.js';
import type { BackboneConfig } from './types.js';

const positive = z.number().int().positive();

const tokenFeatures = {
  wordDim: positive.default(64),
  charDim: z.number().int().nonnegative().default(16),
  charFilters: positive.default(32),
  charWindow: positive.refine((n) => n % 2 === 1, 'charWindow must be odd').default(3),
  maxChars: positive.default(16),
  maxLength: positive.default(64),
  minWordCount: positive.default(2),
  lowercase: z.boolean().default(true),
};

const schema = z.discriminatedUnion('backbone', [
  z.object({ backbone: z.literal('bilstm'), ...tokenFeatures, hidden: positive.default(64) }),
  z
    .object({
      backbone: z.literal('transformer'),
      ...tokenFeatures,
      dModel: positive.default(64),
      heads: positive.default(4),
      layers: positive.default(2),
      ffn: positive.default(128),
    })
    .refine((c) => c.dModel % c.heads === 0, {
      message: 'dModel must be divisible by heads (each head gets dModel / heads dimensions): change heads or dModel',
      path: ['heads'],
    }),
]);

/** `overrides` (Hyperparameters.model) win over `raw`; unknown keys are ignored. */
export function parseModelConfig(raw: Readonly<Record<string, unknown>>, overrides: Readonly<Record<string, unknown>> = {}): BackboneConfig {
  const result = schema.safeParse({ ...raw, ...overrides });
  if (!result.success) {
    throw new InputError(`Invalid model config for '${String(raw['backbone'])}': ${z.prettifyError(result.error)}`);
  }
  return result.data;
}
