import type { Comparator } from './comparator.js';
import { editDistanceWithin } from './string-similarity.js';

/** Digits only: E.164 (`+8613812345678`) and national forms (`013812345678`, `02 6909 6869`) alike. */
export function preparePhone(raw: string): string | null {
  const digits = raw.replace(/\D/g, '');
  return digits.length >= 5 ? digits : null;
}

const NATIONAL_DIGITS = 8;

function nationalTail(digits: string): string {
  return digits.length > NATIONAL_DIGITS ? digits.slice(-NATIONAL_DIGITS) : digits;
}

/**
 * Phone numbers: the same number, the same number with or without country code or trunk prefix
 * (the last eight digits agree), one keying error.
 */
export const phoneComparator: Comparator<string> = {
  kind: 'phone',
  levels: ['exact', 'same_without_country_code', 'one_edit', 'else'],
  termFrequency: false,
  prepare: preparePhone,
  key: (v) => v,
  blockingKey: nationalTail,
  compare(a, b) {
    if (a === b) return 0;
    const shorter = a.length <= b.length ? a : b;
    const longer = shorter === a ? b : a;
    if (shorter.length >= 7 && longer.endsWith(shorter.replace(/^0+/, ''))) return 1;
    if (nationalTail(a) === nationalTail(b) && shorter.length >= NATIONAL_DIGITS) return 1;
    return editDistanceWithin(nationalTail(a), nationalTail(b), 1) === 1 ? 2 : 3;
  },
};
