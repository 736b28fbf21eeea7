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

/** Words that say what kind of street or which side of it, not which street. */
const STREET_WORDS = new Set(
  (
    'st street rd road ave av avenue blvd boulevard dr drive ln lane ct court pl place way pkwy parkway ' +
    'hwy highway ter terrace sq square cir circle n s e w north south east west ne nw se sw floor fl ' +
    'suite ste unit apt'
  ).split(' '),
);

/**
 * House number and street of a Latin-script address, however it is written: "4000 W. Division St" and
 * "4000 West Division", "30 East 61st Street" and "30 E. 61St" both give one key. The street is the
 * longest word left once street types, directions and the number are set aside (by its Soundex, so a
 * typo still meets); an ordinal's suffix is dropped. Null without a house number or a street.
 */
export function streetKey(value: PreparedAddress): string | null {
  const words = value.folded.split(' ');
  const number = words.find((w) => /^\d+$/.test(w));
  if (number === undefined) return null;
  let street = '';
  for (const word of words) {
    if (word === number || STREET_WORDS.has(word)) continue;
    const ordinal = /^(\d+)(?:st|nd|rd|th)$/.exec(word);
    const candidate = ordinal ? ordinal[1]! : word;
    if (candidate.length > street.length) street = candidate;
  }
  if (street === '') return null;
  return `${number} ${/^\d+$/.test(street) ? street : soundex(street)}`;
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
  streetKey: (v) => (/\p{Script=Han}/u.test(v.folded) ? null : streetKey(v)),
  compare(a, b) {
    if (a.compact === b.compact) return 0;
    const overlap = tokenJaccard(a.tokens, b.tokens);
    const similarity = jaroWinkler(a.compact, b.compact, 0.8);
    if (overlap >= 0.7 || similarity >= 0.93) return 1;
    if (overlap >= 0.4 || similarity >= 0.8) return 2;
    return 3;
  },
};
