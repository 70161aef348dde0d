// A rule-based tokenizer: deterministic, exact character offsets and no model download. Subword
// splitting happens later in training; here tokens only need to be the units entities are made of,
// so emails, URLs and phone numbers stay whole instead of being cut at '@', '.', '-' or spaces.

export interface Tokens {
  readonly tokens: string[];
  readonly offsets: [number, number][];
}

const URL = /(?:https?:\/\/|www\.)[^\s<>"'()]*[^\s<>"'().,;:!?]/uy;
const EMAIL = /[\p{L}\p{N}._%+-]*[\p{L}\p{N}]@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/uy;
// Spaces inside a phone number only after a leading '+' country code or '(area)'; otherwise
// "2015 2019" would read as one number.
const PHONES = [
  /\+\d{1,3}(?:[ .-]?\(?\d{1,5}\)?){2,5}/y,
  /\(\d{2,5}\)[ .-]?\d{2,5}(?:[ .-]\d{2,5}){0,2}/y,
  /\d{1,5}(?:[.-]\d{2,5}){2,4}/y,
];
// Letter-initial words keep inner joiners: Node.js, B.Tech, e-commerce, O'Brien, AT&T, C++, C#.
const WORD = /\p{L}[\p{L}\p{M}\p{N}]*(?:(?:['’.&-]|\+\+?)[\p{L}\p{M}\p{N}]+)*[+#]*/uy;
const NUMBER = /\p{N}+(?:[.,]\p{N}+)*(?:\p{L}{1,3}(?![\p{L}\p{N}]))?/uy;
const OTHER = /\S/uy;
const SPACE = /\s+/uy;

const PHONE_MIN_DIGITS = 9;
const PHONE_MAX_DIGITS = 15;

function matchAt(pattern: RegExp, text: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(text)?.[0];
}

// Patterns are greedy, so take the shortest prefix ending at a group boundary that has enough digits:
// "+91 98765 43210 2019" is a number followed by a year.
function phoneAt(text: string, at: number): string | undefined {
  for (const pattern of PHONES) {
    const found = matchAt(pattern, text, at);
    if (found === undefined) continue;
    let digits = 0;
    for (let end = 1; end <= found.length; end++) {
      const last = found.charAt(end - 1);
      if (/\d/.test(last)) digits++;
      if (digits > PHONE_MAX_DIGITS) break;
      const atBoundary = !/\d/.test(found.charAt(end)) && (last === ')' || /\d/.test(last));
      if (atBoundary && digits >= PHONE_MIN_DIGITS && !/[\p{L}\p{N}]/u.test(text.charAt(at + end))) {
        return found.slice(0, end);
      }
    }
  }
  return undefined;
}

function tokenAt(text: string, at: number): string {
  return (
    matchAt(URL, text, at) ??
    matchAt(EMAIL, text, at) ??
    phoneAt(text, at) ??
    matchAt(WORD, text, at) ??
    matchAt(NUMBER, text, at) ??
    (matchAt(OTHER, text, at) as string)
  );
}

/** Splits `text` into tokens with UTF-16 offsets (end exclusive); whitespace is never part of a token edge. */
export function tokenize(text: string): Tokens {
  const tokens: string[] = [];
  const offsets: [number, number][] = [];
  let at = 0;
  while (at < text.length) {
    const space = matchAt(SPACE, text, at);
    if (space !== undefined) {
      at += space.length;
      continue;
    }
    const token = tokenAt(text, at);
    tokens.push(token);
    offsets.push([at, at + token.length]);
    at += token.length;
  }
  return { tokens, offsets };
}

/** Joins pre-tokenised words with single spaces, giving the text and each token's offsets. */
export function detokenize(tokens: readonly string[]): { text: string; offsets: [number, number][] } {
  const offsets: [number, number][] = [];
  let at = 0;
  for (const token of tokens) {
    offsets.push([at, at + token.length]);
    at += token.length + 1;
  }
  return { text: tokens.join(' '), offsets };
}
