import { ValidationError } from '../errors.js';

/** `Date.UTC` reads years 0–99 as 1900–1999; `setUTCFullYear` takes the year as written. */
function utcDate(year: number, month: number, day: number): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date;
}

const DATE_FORMS: RegExp[] = [
  // A timestamp's date (its time must be a time of day: 2020-02-03T99:00 is refused, not cut short).
  /^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/,
  /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/,
  /^(\d{4})年(\d{1,2})月(\d{1,2})日?$/,
  /^(\d{4})(\d{2})(\d{2})$/,
];

/**
 * A calendar date → `YYYY-MM-DD`. Only year-first forms are accepted: `03/04/1990` is ambiguous between
 * day-first and month-first, and guessing would store a wrong birthday without anyone noticing.
 */
export function normalizeDate(value: string, field = 'date'): string {
  const folded = value.normalize('NFKC').trim();
  for (const form of DATE_FORMS) {
    const m = form.exec(folded);
    if (!m) continue;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const date = utcDate(year, month, day);
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
      throw new ValidationError(field, value, 'is not a real calendar date');
    }
    return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  }
  throw new ValidationError(field, value, 'is not a date in the form YYYY-MM-DD');
}

/** No customer alive was born before this; earlier years are placeholders (0001-01-01) or typos. */
export const EARLIEST_BIRTHDAY = '1850-01-01';

/**
 * A birthday → `YYYY-MM-DD`: a calendar date (as `normalizeDate`) that is not in the future and not
 * before 1850. A birthday of 9999-12-31 or 2090-05-01 is a spreadsheet's placeholder or a typo, and kept
 * it would sort first, count in age filters and sync to every phone. "The future" is judged at the
 * latest time zone's today (UTC+14), so a customer born today anywhere on earth is accepted.
 */
export function normalizeBirthday(value: string, field = 'birthday', now: Date = new Date()): string {
  const date = normalizeDate(value, field);
  const latest = new Date(now.getTime() + 14 * 3_600_000).toISOString().slice(0, 10);
  if (date > latest) throw new ValidationError(field, value, 'is in the future');
  if (date < EARLIEST_BIRTHDAY) throw new ValidationError(field, value, `is before ${EARLIEST_BIRTHDAY}`);
  return date;
}

/**
 * An ISO-8601 date or date-time as a filter or a report takes it (`2026-11-22`, `2026-11-22T08:00Z`,
 * `2026-11-22T08:00:00.000+08:00`), on a real calendar day. The platform's own date parser also reads
 * `1` (as 2001), `March 7` and `2026-02-30` (as March 2), so a mistyped bound filtered by a date nobody
 * asked for; such values are refused instead.
 */
const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(?:[01]\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d{1,9})?)?(?:Z|[+-](?:[01]\d|2[0-3]):?[0-5]\d)?)?$/i;

export function isIsoDateOrTime(value: string): boolean {
  const m = ISO_INSTANT.exec(value);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = utcDate(year, month, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
