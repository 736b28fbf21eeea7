import { ValidationError } from '../errors.js';

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
    const date = new Date(Date.UTC(year, month - 1, day));
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
      throw new ValidationError(field, value, 'is not a real calendar date');
    }
    return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  }
  throw new ValidationError(field, value, 'is not a date in the form YYYY-MM-DD');
}
