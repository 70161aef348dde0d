// Unknown keys in a model config file. The parser drops them (search overrides may carry other
// backbones' settings), so a misspelt setting in the file would silently train with the default.
import { closestName } from '../hpo/closest-name.js';
import { parseModelConfig } from './config.js';

/** The settings `backbone` knows (every one has a default); none for a backbone the model code does not know. */
export function modelKeysOf(backbone: string): string[] {
  try {
    return Object.keys(parseModelConfig({ backbone })).filter((key) => key !== 'backbone');
  } catch {
    return [];
  }
}

/** What is wrong with the keys of `raw`, read from `source`; undefined when every key is known. */
export function unknownModelKeysProblem(raw: Readonly<Record<string, unknown>>, backbone: string, source: string): string | undefined {
  const known = modelKeysOf(backbone);
  if (known.length === 0) return undefined;
  const unknown = Object.keys(raw).filter((key) => key !== 'backbone' && !known.includes(key));
  if (unknown.length === 0) return undefined;
  const each = unknown.map((key) => {
    const guess = closestName(key, known);
    return guess === undefined ? `'${key}'` : `'${key}' (did you mean '${guess}'?)`;
  });
  return `${source}: unknown ${backbone} model setting${unknown.length > 1 ? 's' : ''} ${each.join(', ')}; the ${backbone} settings are ${known.join(', ')}`;
}
