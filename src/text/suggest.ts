// "did you mean" suggestions for misspelt keys and variable names.

/**
 * Edit distance counting a swap of neighbours as one edit (optimal string alignment), so that
 * "dpes" is closest to "deps"; hand-written because it is a dozen lines and no installed library has it.
 */
export function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(rows[i - 1]![j]! + 1, rows[i]![j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, rows[i - 2]![j - 2]! + 1);
      rows[i]![j] = best;
    }
  }
  return rows[a.length]![b.length]!;
}

/** The closest candidate, if it is close enough to be a plausible typo. */
export function closestMatch(word: string, candidates: readonly string[]): string | undefined {
  const limit = word.length <= 3 ? 1 : Math.max(2, Math.floor(word.length / 3));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance <= limit && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}

export const quoteList = (items: readonly string[]): string => items.map((item) => `"${item}"`).join(', ');

/** `did you mean "deps"?`, or the full list of what is allowed when nothing is close. */
export function suggestionHint(word: string, candidates: readonly string[], what: string): string {
  const match = closestMatch(word, candidates);
  if (match) return `did you mean "${match}"?`;
  return candidates.length > 0 ? `${what}: ${quoteList(candidates)}` : `no ${what} are defined`;
}
