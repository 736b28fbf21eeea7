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
  if (digits.length === 8) return digits;
  // The year alone (registers often know no more): month and day 00, compared by the year only.
  if (/^\d{4}$/.test(trimmed)) return `${trimmed}0000`;
  return null;
}

/** A date known by its year only (`YYYY0000`). */
function yearOnly(v: string): boolean {
  return v.endsWith('0000');
}

/** Same year, day and month swapped; read in place (slices would allocate for every compared pair). */
function dayMonthSwapped(a: string, b: string): boolean {
  for (let k = 0; k < 4; k++) if (a.charCodeAt(k) !== b.charCodeAt(k)) return false;
  return (
    a.charCodeAt(4) === b.charCodeAt(6) &&
    a.charCodeAt(5) === b.charCodeAt(7) &&
    a.charCodeAt(6) === b.charCodeAt(4) &&
    a.charCodeAt(7) === b.charCodeAt(5)
  );
}

/** Days since 1970 of a valid `YYYYMMDD`, or NaN (invalid dates still compare digit by digit). */
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days since 1970-01-01 of a `YYYYMMDD` date, or NaN for a day that does not exist. Pure arithmetic: hot. */
export function dayNumber(digits: string): number {
  const zero = 48 * 1111;
  const y =
    digits.charCodeAt(0) * 1000 +
    digits.charCodeAt(1) * 100 +
    digits.charCodeAt(2) * 10 +
    digits.charCodeAt(3) -
    zero;
  const m = digits.charCodeAt(4) * 10 + digits.charCodeAt(5) - 48 * 11;
  const d = digits.charCodeAt(6) * 10 + digits.charCodeAt(7) - 48 * 11;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (m < 1 || m > 12 || d < 1 || d > DAYS_IN_MONTH[m - 1]! + (m === 2 && leap ? 1 : 0)) return Number.NaN;
  // Days from civil (H. Hinnant): March-based years put the leap day last.
  const year = m <= 2 ? y - 1 : y;
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

export const dateComparator: Comparator<string> = {
  kind: 'date',
  levels: ['exact', 'one_edit_or_day_month_swapped', 'two_edits', 'within_1_year', 'within_10_years', 'else'],
  termFrequency: false,
  prepare: prepareDate,
  key: (v) => v,
  blockingKey: (v) => v,
  compare(a, b) {
    // A year alone can agree no better than "within a year", even with the same year alone.
    if (yearOnly(a) || yearOnly(b)) {
      const years = Math.abs(Number(a.slice(0, 4)) - Number(b.slice(0, 4)));
      return years === 0 ? 3 : years <= 10 ? 4 : 5;
    }
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
