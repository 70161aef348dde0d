// Label renaming and filtering from the data config, and the LabelSet written to labels.json.
import { DatasetError } from './errors.js';
import type { LabelSet } from './sample.js';

export interface LabelRules {
  /** Source label → entity type; `null` drops the label. */
  readonly map: Readonly<Record<string, string | null>>;
  /** When given, only these entity types are kept (after mapping). */
  readonly keep?: readonly string[];
  /** Every source label must be a key of `map` or listed in `keep`. */
  readonly strict: boolean;
  /** Config file the rules come from, for error messages. */
  readonly configFile: string;
}

export type LabelDecision = { readonly type: string } | { readonly drop: 'emptyLabel' | 'unknownLabel' };

export function resolveLabel(label: string, rules: LabelRules, where: string): LabelDecision {
  const trimmed = label.trim();
  if (trimmed === '') return { drop: 'emptyLabel' };
  const mapped = Object.hasOwn(rules.map, trimmed) ? rules.map[trimmed] : undefined;
  if (rules.strict && mapped === undefined && !rules.keep?.includes(trimmed)) {
    throw new DatasetError(
      `${where}: label "${trimmed}" is not in labels.map of ${rules.configFile}. ` +
        `Add it to labels.map (or labels.keep), or set labels.strict: false to drop unknown labels.`,
    );
  }
  if (mapped === null) return { drop: 'unknownLabel' };
  const type = mapped ?? trimmed;
  if (rules.keep && !rules.keep.includes(type)) return { drop: 'unknownLabel' };
  return { type };
}

/** Entity types sorted by name; tags 'O' then B-/I- per type. */
export function buildLabelSet(types: Iterable<string>): LabelSet {
  const entityTypes = [...new Set(types)].sort();
  return { entityTypes, tags: ['O', ...entityTypes.flatMap((type) => [`B-${type}`, `I-${type}`])] };
}
