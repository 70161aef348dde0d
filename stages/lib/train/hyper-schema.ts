// What training accepts as hyperparameters: checked for the dry run's config, for the search's
// ranges before any trial, and for the winner before final training.
import { z } from 'zod';

// Strict: a misspelt optional key (classWeightPowr) would otherwise train with the default unnoticed.
export const hyperparametersSchema = z.strictObject({
  learningRate: z.number().positive(),
  batchSize: z.number().int().positive(),
  epochs: z.number().int().positive(),
  dropout: z.number().min(0).max(0.9),
  weightDecay: z.number().min(0),
  warmupRatio: z.number().min(0).max(1),
  schedule: z.enum(['linear', 'cosine', 'constant']),
  clipNorm: z.number().min(0),
  patience: z.number().int().min(0),
  classWeighting: z.boolean(),
  classWeightPower: z.number().min(0).optional(),
  model: z.record(z.string(), z.unknown()).optional(),
});
