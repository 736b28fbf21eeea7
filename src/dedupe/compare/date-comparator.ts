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

/** Days since 1970 of a valid `YYYYMMDD`, or NaN (invalid dates still compare digit by digit). */
function dayNumber(digits: string): number {
  const y = Number(digits.slice(0, 4));
  const m = Number(digits.slice(4, 6));
  const d = Number(digits.slice(6, 8));
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  return back.getUTCMonth() === m - 1 && back.getUTCDate() === d ? t / 86_400_000 : Number.NaN;
}

/**
 * Dates: exact, one keying error or day and month swapped, two keying errors, within a year, within
 * ten years (a birthday remembered roughly still says something).
 */
export const dateComparator: Comparator<string> = {
  kind: 'date',
  levels: ['exact', 'one_edit_or_day_month_swapped', 'two_edits', 'within_1_year', 'within_10_years', 'else'],
  termFrequency: false,
  prepare: prepareDate,
  key: (v) => v,
  blockingKey: (v) => v,
  compare(a, b) {
    if (a === b) return 0;
    if (dayMonthSwapped(a, b)) return 1;
    const distance = editDistanceWithin(a, b, 2);
    if (distance <= 2) return distance;
    const days = Math.abs(dayNumber(a) - dayNumber(b));
    if (days <= 366) return 3;
    if (days <= 3653) return 4;
    return 5;
  },
};
