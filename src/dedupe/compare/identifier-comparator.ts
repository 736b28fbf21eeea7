import type { Comparator } from './comparator.js';
import { editDistanceWithin } from './string-similarity.js';

/** Codes typed by people (national ids, member numbers): exact, then one or two keying errors. */
export const identifierComparator: Comparator<string> = {
  kind: 'identifier',
  levels: ['exact', 'one_edit', 'two_edits', 'else'],
  termFrequency: false,
  prepare: (raw) => raw.replace(/[\s\-_./]/g, '').toUpperCase() || null,
  key: (v) => v,
  blockingKey: (v) => v,
  compare(a, b) {
    if (a === b) return 0;
    const distance = editDistanceWithin(a, b, 2);
    return distance === 1 ? 1 : distance === 2 ? 2 : 3;
  },
};
