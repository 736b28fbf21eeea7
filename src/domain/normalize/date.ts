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

/** A time of day after a date, as spreadsheets and CRM exports add it (`0:00`, `10:21:09`, `10:22 AM`). */
const TIME = String.raw`(?:[T ]+(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d(?:\.\d+)?)?(?: ?[ap]\.?m\.?)?(?: ?(?:Z|utc|[+-]\d{2}:?\d{2}))?)?`;

/** Year-first forms normalizeDate does not read: 1990/3/5 0:00 (a Chinese Excel's date cell saved as CSV), 1990年3月5号. */
const YEAR_FIRST_FORMS: RegExp[] = [
  new RegExp(String.raw`^(\d{4})[/.](\d{1,2})[/.](\d{1,2})${TIME}$`, 'i'),
  /^(\d{4})年(\d{1,2})月(\d{1,2})号$/,
];

/** 05.03.1990: dots with the year last are day-first wherever they are written (Germany, Russia …). */
const DOTTED_DAY_FIRST = new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4})${TIME}$`, 'i');
/** 3/5/1990 or 5/3/1990: month-first in the US (Salesforce, Zoho), day-first in most other places. */
const SLASHED_YEAR_LAST = new RegExp(String.raw`^(\d{1,2})[/-](\d{1,2})[/-](\d{4})${TIME}$`, 'i');
/** 03/05 (Mailchimp's birthday): a day and a month without a year. */
const NO_YEAR = /^(\d{1,2})[/.-](\d{1,2})$|^(\d{1,2})月(\d{1,2})[日号]?$/;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const MONTH = String.raw`([a-z]{3})[a-z]*\.?`;
/** Mar 5, 1990 / March 5 1990 / 5 March 1990 / 5-Mar-1990: the month by name is never ambiguous. */
const MONTH_NAME_FORMS: { form: RegExp; month: number; day: number; year: number }[] = [
  {
    form: new RegExp(String.raw`^${MONTH} (\d{1,2})(?:st|nd|rd|th)?,? (\d{4})${TIME}$`, 'i'),
    month: 1,
    day: 2,
    year: 3,
  },
  {
    form: new RegExp(String.raw`^(\d{1,2})(?:st|nd|rd|th)?[ -]${MONTH},?[ -](\d{4})${TIME}$`, 'i'),
    day: 1,
    month: 2,
    year: 3,
  },
];

function isoDate(value: string, field: string, year: number, month: number, day: number): string {
  const date = utcDate(year, month, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new ValidationError(field, value, 'is not a real calendar date');
  }
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * A date as customer lists write it besides the forms `normalizeDate` reads, → `YYYY-MM-DD`, or null
 * when it is none of them: the month by name (`Mar 5, 1990`, `5 March 1990`, `05-Mar-1990`), day-first
 * with dots (`05.03.1990`), a slashed date with the year last when only one reading is a date
 * (`25/03/1990`, `3/25/1990`), a date with its time of day (`1990/3/5 0:00`). Refused saying why: a
 * slashed date both readings make a date of (`03/04/1990` is 3 April or March 4 depending on who wrote
 * it, and guessing would store a wrong birthday without anyone noticing), and a day and month without a
 * year (Mailchimp's `03/05`). Imports and birthdays read these; an attribute filter's date stays
 * `normalizeDate`'s, as the web app checks it too.
 */
export function readWrittenDate(value: string, field = 'date'): string | null {
  const folded = value.normalize('NFKC').trim().replace(/\s+/g, ' ');
  for (const form of YEAR_FIRST_FORMS) {
    const m = form.exec(folded);
    if (m) return isoDate(value, field, Number(m[1]), Number(m[2]), Number(m[3]));
  }
  for (const { form, month, day, year } of MONTH_NAME_FORMS) {
    const m = form.exec(folded);
    const monthNumber = m ? MONTHS.indexOf(m[month]!.toLowerCase()) + 1 : 0;
    if (m && monthNumber > 0) return isoDate(value, field, Number(m[year]), monthNumber, Number(m[day]));
  }
  const dotted = DOTTED_DAY_FIRST.exec(folded);
  if (dotted) return isoDate(value, field, Number(dotted[3]), Number(dotted[2]), Number(dotted[1]));
  const slashed = SLASHED_YEAR_LAST.exec(folded);
  if (slashed) {
    const [a, b, year] = [Number(slashed[1]), Number(slashed[2]), Number(slashed[3])];
    if (a > 12 && b <= 12) return isoDate(value, field, year, b, a);
    if (b > 12 && a <= 12) return isoDate(value, field, year, a, b);
    if (a <= 12 && b <= 12 && a !== b)
      throw new ValidationError(field, value, 'could be day/month or month/day, so write it as YYYY-MM-DD');
    if (a === b) return isoDate(value, field, year, a, b);
    throw new ValidationError(field, value, 'is not a real calendar date');
  }
  if (NO_YEAR.test(folded))
    throw new ValidationError(field, value, 'has no year, and a date is stored with its year as YYYY-MM-DD');
  return null;
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
  const date = readWrittenDate(value, field) ?? normalizeDate(value, field);
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
