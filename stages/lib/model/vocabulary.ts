// Word and character vocabularies, built from training tokens and saved with the model (vocab.json).
import type { TokenFeatureConfig } from './types.js';

export const PAD_ID = 0;
export const UNK_ID = 1;

/** vocab.json: index in `words`/`chars` is the id; 0 and 1 are PAD and UNK. */
export interface Vocabulary {
  readonly lowercase: boolean;
  readonly maxChars: number;
  readonly words: readonly string[];
  readonly chars: readonly string[];
}

const RESERVED = ['<pad>', '<unk>'];

/**
 * Words seen at least `minWordCount` times (after optional lowercasing) and every character seen,
 * each sorted by descending count then code-unit order so the ids never depend on input order
 * beyond the counts.
 */
export function buildVocabulary(
  sentences: readonly (readonly string[])[],
  config: Pick<TokenFeatureConfig, 'minWordCount' | 'lowercase' | 'maxChars'>,
): Vocabulary {
  const wordCounts = new Map<string, number>();
  const charCounts = new Map<string, number>();
  for (const tokens of sentences) {
    for (const token of tokens) {
      const word = config.lowercase ? token.toLowerCase() : token;
      wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
      for (const char of token) charCounts.set(char, (charCounts.get(char) ?? 0) + 1);
    }
  }
  const ranked = (counts: Map<string, number>, min: number): string[] =>
    [...counts]
      .filter(([, count]) => count >= min)
      .sort(([a, ca], [b, cb]) => cb - ca || (a < b ? -1 : a > b ? 1 : 0))
      .map(([key]) => key);
  return {
    lowercase: config.lowercase,
    maxChars: config.maxChars,
    words: [...RESERVED, ...ranked(wordCounts, Math.max(1, config.minWordCount))],
    chars: [...RESERVED, ...ranked(charCounts, 1)],
  };
}

export function vocabSizes(vocab: Vocabulary): { words: number; chars: number } {
  return { words: vocab.words.length, chars: vocab.chars.length };
}

const lookups = new WeakMap<Vocabulary, { words: Map<string, number>; chars: Map<string, number> }>();

function lookup(vocab: Vocabulary): { words: Map<string, number>; chars: Map<string, number> } {
  let maps = lookups.get(vocab);
  if (!maps) {
    maps = {
      words: new Map(vocab.words.map((w, i) => [w, i])),
      chars: new Map(vocab.chars.map((c, i) => [c, i])),
    };
    lookups.set(vocab, maps);
  }
  return maps;
}

export function wordId(vocab: Vocabulary, token: string): number {
  const word = vocab.lowercase ? token.toLowerCase() : token;
  const id = lookup(vocab).words.get(word);
  return id !== undefined && id > UNK_ID ? id : UNK_ID;
}

/** The first `maxChars` characters (code points) of the token, right-padded with PAD_ID. */
export function charIds(vocab: Vocabulary, token: string): number[] {
  const ids = new Array<number>(vocab.maxChars).fill(PAD_ID);
  const chars = lookup(vocab).chars;
  let i = 0;
  for (const char of token) {
    if (i >= vocab.maxChars) break;
    const id = chars.get(char);
    ids[i++] = id !== undefined && id > UNK_ID ? id : UNK_ID;
  }
  return ids;
}
