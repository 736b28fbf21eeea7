import type { Comparator } from './comparator.js';
import { foldLatin } from './fold-latin.js';
import { jaroWinkler } from './string-similarity.js';

/** Free text (city, company): folded exact, then Jaro-Winkler bands. */
export const textComparator: Comparator<string> = {
  kind: 'text',
  levels: ['exact', 'jaro_winkler_0.92', 'jaro_winkler_0.80', 'else'],
  termFrequency: true,
  prepare: (raw) => foldLatin(raw) || null,
  key: (v) => v,
  blockingKey: (v) => v,
  compare(a, b) {
    if (a === b) return 0;
    const similarity = jaroWinkler(a, b);
    if (similarity >= 0.92) return 1;
    if (similarity >= 0.8) return 2;
    return 3;
  },
};
