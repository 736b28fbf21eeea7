import type { Comparator } from './comparator.js';
import { foldLatin } from './fold-latin.js';
import { soundex } from './soundex.js';
import { jaroWinkler } from './string-similarity.js';

export interface PreparedText {
  folded: string;
  /** Distinct words, for "one name is part of the other" (`Jenner` in `Chicago Public Schools Jenner Academy`). */
  tokens: Set<string>;
  /** Each word's rarity in its column (inverse document frequency), shared by the column's values; set by `fitColumn`. */
  rarity?: ReadonlyMap<string, number>;
  /** The sum of this value's words' rarity: the information the whole name carries. */
  information?: number;
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

/** Share of the shorter value's information its shared words must carry to count as `rare_words_shared`. */
const SHARED_INFORMATION = 0.5;

/**
 * Σ rarity of the words both values hold, over the information of the one carrying less: "Tiny Tot
 * Villa" and "Chicago State University Tiny Tots Villa" share "tiny" and "villa", rare in the column,
 * while two schools sharing "Chicago Public Schools" share only common words.
 */
export function sharedInformation(a: PreparedText, b: PreparedText): number {
  const rarity = a.rarity;
  if (!rarity || rarity !== b.rarity) return 0;
  const [small, large] = a.tokens.size <= b.tokens.size ? [a.tokens, b.tokens] : [b.tokens, a.tokens];
  let shared = 0;
  for (const token of small) if (large.has(token)) shared += rarity.get(token) ?? 0;
  const least = Math.min(a.information!, b.information!);
  return least > 0 ? shared / least : 0;
}

/**
 * Free text (city, company): folded exact, Jaro-Winkler ≥ 0.92, every word of one inside the other
 * (a short and a long form of the same name), words rare in the column shared (fitted on the column),
 * Jaro-Winkler ≥ 0.80.
 */
export const textComparator: Comparator<PreparedText> = {
  kind: 'text',
  levels: ['exact', 'jaro_winkler_0.92', 'words_contained', 'rare_words_shared', 'jaro_winkler_0.80', 'else'],
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
    if (sharedInformation(a, b) >= SHARED_INFORMATION) return 3;
    if (similarity >= 0.8) return 4;
    return 5;
  },
  fitColumn(values) {
    // Document frequency per record, so a word's rarity is how few records use it.
    const frequency = new Map<string, number>();
    let documents = 0;
    for (const value of values) {
      if (!value) continue;
      documents++;
      for (const token of value.tokens) frequency.set(token, (frequency.get(token) ?? 0) + 1);
    }
    const rarity = new Map<string, number>();
    for (const [token, count] of frequency) rarity.set(token, Math.log(documents / count));
    for (const value of values) {
      if (!value || value.rarity === rarity) continue;
      value.rarity = rarity;
      let information = 0;
      for (const token of value.tokens) information += rarity.get(token)!;
      value.information = information;
    }
  },
};

/** The longest word: the one most likely to be the distinctive part of a name or a street. */
export function longestWord(tokens: Iterable<string>): string {
  let longest = '';
  for (const t of tokens) if (t.length > longest.length && !/^\d+$/.test(t)) longest = t;
  return longest;
}
