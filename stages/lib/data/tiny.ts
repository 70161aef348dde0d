// Picks a handful of short samples that together cover as many entity types as possible.
import { z } from 'zod';
import { DatasetError } from './errors.js';
import type { Sample } from './sample.js';

export const tinyConfigSchema = z.strictObject({
  from: z.string().default('outputs/dataset'),
  out: z.string().default('outputs/dataset_tiny'),
  train: z.number().int().positive().default(8),
  validation: z.number().int().nonnegative().default(2),
});
export type TinyConfig = z.infer<typeof tinyConfigSchema>;

export function parseTinyConfig(raw: unknown, file: string): TinyConfig {
  const result = tinyConfigSchema.safeParse(raw ?? {});
  if (!result.success) {
    const issues = result.error.issues.map((issue) => `${issue.path.join('.') || '(top level)'}: ${issue.message}`);
    throw new DatasetError(`${file}: invalid tiny-dataset config: ${issues.join('; ')}.`);
  }
  return result.data;
}

function typesOf(sample: Sample): Set<string> {
  return new Set(sample.tags.filter((tag) => tag !== 'O').map((tag) => tag.slice(2)));
}

/**
 * Greedy set cover: each pick adds the most uncovered types, ties going to the shorter sample
 * (then the earlier one); once nothing new can be covered, the shortest remaining samples follow.
 */
export function selectCovering(samples: readonly Sample[], count: number): Sample[] {
  const candidates = samples
    .map((sample, index) => ({ sample, index, types: typesOf(sample) }))
    .sort((a, b) => a.sample.tokens.length - b.sample.tokens.length || a.index - b.index);
  const covered = new Set<string>();
  const chosen: Sample[] = [];
  while (chosen.length < count && candidates.length > 0) {
    let best = 0;
    let bestGain = -1;
    candidates.forEach((candidate, i) => {
      const gain = [...candidate.types].filter((type) => !covered.has(type)).length;
      if (gain > bestGain) {
        best = i;
        bestGain = gain;
      }
    });
    const [pick] = candidates.splice(best, 1);
    if (!pick) break;
    pick.types.forEach((type) => covered.add(type));
    chosen.push(pick.sample);
  }
  return chosen;
}
