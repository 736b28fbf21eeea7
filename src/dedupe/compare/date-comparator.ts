import type { Comparator } from './comparator.js';
import { editDistanceWithin } from './string-similarity.js';

/**
 * Dates as eight digits `YYYYMMDD`. Invalid dates from real data (`19162429`) are kept as digits:
 * they still carry evidence, and a typo'd date is exactly what the comparator must tolerate.
 */
export function prepareDate(raw: string): string | null {
  const trimmed = raw.trim();
  const separated = /^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:[T ].*)?$/u.exec(trimmed);
  if (separated) {
    return separated[1]! + separated[2]!.padStart(2, '0') + separated[3]!.padStart(2, '0');
  }
  const digits = trimmed.replace(/\D/g, '');
  return digits.length === 8 ? digits : null;
}

function dayMonthSwapped(a: string, b: string): boolean {
  return (
    a.slice(0, 4) === b.slice(0, 4) && a.slice(4, 6) === b.slice(6, 8) && a.slice(6, 8) === b.slice(4, 6)
  );
}

/** Dates: exact, one keying error or day and month swapped, two keying errors. */
export const dateComparator: Comparator<string> = {
  kind: 'date',
  levels: ['exact', 'one_edit_or_day_month_swapped', 'two_edits', 'else'],
  termFrequency: false,
  prepare: prepareDate,
  key: (v) => v,
  blockingKey: (v) => v,
  compare(a, b) {
    if (a === b) return 0;
    if (dayMonthSwapped(a, b)) return 1;
    const distance = editDistanceWithin(a, b, 2);
    return distance === 1 ? 1 : distance === 2 ? 2 : 3;
  },
};
