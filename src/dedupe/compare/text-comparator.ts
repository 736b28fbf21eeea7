import type { Comparator } from './comparator.js';
import { foldLatin } from './fold-latin.js';
import { soundex } from './soundex.js';
import { jaroWinkler } from './string-similarity.js';

export interface PreparedText {
  folded: string;
  /** Distinct words, for "one name is part of the other" (`Jenner` in `Chicago Public Schools Jenner Academy`). */
  tokens: Set<string>;
}

export function prepareText(raw: string): PreparedText | null {
  const folded = foldLatin(raw);
  return folded === '' ? null : { folded, tokens: new Set(folded.split(' ')) };
}

function containedIn(small: Set<string>, large: Set<string>): boolean {
  let meaningful = false;
  for (const token of small) {
    if (!large.has(token)) return false;
    if (token.length >= 3) meaningful = true;
  }
  return meaningful;
}

/**
 * Free text (city, company): folded exact, Jaro-Winkler ≥ 0.92, every word of one inside the other
 * (a short and a long form of the same name), Jaro-Winkler ≥ 0.80.
 */
export const textComparator: Comparator<PreparedText> = {
  kind: 'text',
  levels: ['exact', 'jaro_winkler_0.92', 'words_contained', 'jaro_winkler_0.80', 'else'],
  termFrequency: true,
  prepare: prepareText,
  key: (v) => v.folded,
  blockingKey: (v) => v.folded,
  phoneticKey: (v) => soundex(longestWord(v.tokens)),
  compare(a, b) {
    if (a.folded === b.folded) return 0;
    const similarity = jaroWinkler(a.folded, b.folded, 0.8);
    if (similarity >= 0.92) return 1;
    const [small, large] = a.tokens.size <= b.tokens.size ? [a.tokens, b.tokens] : [b.tokens, a.tokens];
    if (containedIn(small, large)) return 2;
    if (similarity >= 0.8) return 3;
    return 4;
  },
};

/** The longest word: the one most likely to be the distinctive part of a name or a street. */
export function longestWord(tokens: Iterable<string>): string {
  let longest = '';
  for (const t of tokens) if (t.length > longest.length && !/^\d+$/.test(t)) longest = t;
  return longest;
}
