import { extractEntities } from '../metrics/entities.js';
import type { RepairCounts } from './repair-counts.js';
import type { Sample } from './sample.js';

export interface SplitStats {
  readonly samples: number;
  readonly tokens: number;
  readonly entities: number;
  /** Entity count per type, sorted by type. */
  readonly perType: Readonly<Record<string, number>>;
}

/** stats.json */
export interface DatasetStats {
  readonly source: Readonly<Record<string, unknown>>;
  readonly seed: number;
  readonly splits: Readonly<Record<string, SplitStats>>;
  readonly repairs: RepairCounts;
}

export function splitStats(samples: readonly Sample[]): SplitStats {
  const perType = new Map<string, number>();
  let tokens = 0;
  let entities = 0;
  for (const sample of samples) {
    tokens += sample.tokens.length;
    for (const entity of extractEntities(sample.tags)) {
      entities++;
      perType.set(entity.type, (perType.get(entity.type) ?? 0) + 1);
    }
  }
  const sorted = Object.fromEntries([...perType.entries()].sort(([a], [b]) => a.localeCompare(b)));
  return { samples: samples.length, tokens, entities, perType: sorted };
}
