import type { Comparator } from './comparator.js';
import { foldLatin } from './fold-latin.js';
import { soundex } from './soundex.js';
import { jaroWinkler, tokenJaccard } from './string-similarity.js';
import { longestWord } from './text-comparator.js';

export interface PreparedAddress {
  folded: string;
  /** Without spaces, so "pridhamstreet" meets "pridham street". */
  compact: string;
  /** Sorted distinct tokens; Chinese text is split per character, which carries the meaning. */
  tokens: string[];
}

export function prepareAddress(raw: string): PreparedAddress | null {
  const folded = foldLatin(raw.normalize('NFKC'));
  if (folded === '') return null;
  const tokens = [
    ...new Set(folded.split(' ').flatMap((t) => (/\p{Script=Han}/u.test(t) ? [...t] : [t]))),
  ].sort();
  return { folded, compact: folded.replace(/ /g, ''), tokens };
}

/** Addresses: exact, then token overlap or Jaro-Winkler bands (word order and typos both happen). */
export const addressComparator: Comparator<PreparedAddress> = {
  kind: 'address',
  levels: ['exact', 'close', 'similar', 'else'],
  termFrequency: false,
  prepare: prepareAddress,
  key: (v) => v.compact,
  blockingKey: (v) => v.compact,
  /** The street name's Soundex: "1119 N Cleveland" and "1009 N. Cleveland" meet. Latin text only. */
  phoneticKey: (v) => soundex(longestWord(v.tokens)),
  compare(a, b) {
    if (a.compact === b.compact) return 0;
    const overlap = tokenJaccard(a.tokens, b.tokens);
    const similarity = jaroWinkler(a.compact, b.compact, 0.8);
    if (overlap >= 0.7 || similarity >= 0.93) return 1;
    if (overlap >= 0.4 || similarity >= 0.8) return 2;
    return 3;
  },
};
