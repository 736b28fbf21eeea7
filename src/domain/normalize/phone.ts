import { type CountryCode, isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { ValidationError } from '../errors.js';

export type Region = CountryCode;

/** `field`: where the region came from (the setting or the request's field), for the error. */
export function assertRegion(region: string, field = 'KITH_DEFAULT_REGION'): Region {
  const upper = region.toUpperCase();
  if (!isSupportedCountry(upper)) {
    throw new ValidationError(field, region, 'is not an ISO 3166 region libphonenumber knows');
  }
  return upper;
}

/**
 * Any phone a person may type → E.164. Read first in the default region (national, trunk-prefixed and
 * IDD forms such as `00 86 …`); a number invalid there but valid once read as international
 * (`918080808080` → `+918080808080`) is accepted that way. Extensions are dropped: E.164 has none.
 */
export function normalizePhone(value: string, region: Region, field = 'phone'): string {
  const folded = value.normalize('NFKC').trim();
  if (folded === '') throw new ValidationError(field, value, 'is empty');
  const key = `${region} ${folded}`;
  let number = readings.get(key);
  if (number === undefined) {
    number = readPhone(folded, region);
    if (readings.size >= READINGS_KEPT) readings.clear();
    readings.set(key, number);
  }
  if (number !== null) return number;
  throw new ValidationError(
    field,
    value,
    `is not a valid phone number in region ${region} or internationally`,
  );
}

/**
 * Recent readings (E.164, or null for no valid number) by region and text. An import reads each phone
 * twice — pass 1 for the file's shared values, pass 2 for the row — and libphonenumber's validity check
 * is most of a row's preparation: a file of up to this many phones is read once.
 */
const readings = new Map<string, string | null>();
const READINGS_KEPT = 100_000;

function readPhone(folded: string, region: Region): string | null {
  const national = parsePhoneNumberFromString(folded, region);
  if (national?.isValid()) return national.number;
  const digits = folded.replace(/[^\d]/g, '');
  if (!folded.startsWith('+') && digits.length >= 8) {
    const international = parsePhoneNumberFromString(`+${digits}`);
    if (international?.isValid()) return international.number;
  }
  // Words or an extension libphonenumber does not read past (`0571-88888888 转 801`, `13900139000 after
  // 6pm`): the number alone. What it leaves out, an import says (`phoneLeftOut`).
  const alone = numberAlone(folded);
  return alone === null ? null : readPhone(alone, region);
}

/**
 * The numbers of a value that holds several (`13800138020/13900139020`, `138…；139…`, as Chinese CRMs
 * write a customer's mobile and landline in one cell), else the value as the one number. Read whole, the
 * second number became the first one's "extension" and was dropped (`13800138000;13900139000`), or the
 * value was refused as no number. After `/` or `、`, a part of 1–4 digits alone is another line of the
 * same switchboard, written as the digits that differ (`010-8888 6666/6667`, `0571-88886666/7`, as
 * Chinese business lists write them): the number with its last digits replaced. Any other part of fewer
 * than 7 digits is no number of its own (`(415) 555-0100, ext 12`), so such a value stays whole.
 */
export function phoneNumbersIn(value: string): string[] {
  const pieces = value.split(/(\s*[/;；,，、|]\s*)/u);
  if (pieces.length === 1) return [value];
  const numbers: string[] = [];
  for (let i = 0; i < pieces.length; i += 2) {
    const part = pieces[i]!;
    if (part === '') continue;
    if (part.replace(/\D/g, '').length >= 7) {
      numbers.push(part);
      continue;
    }
    const before = pieces[i - 1]?.trim();
    const previous = numbers.at(-1);
    if (previous === undefined || !/^\d{1,4}$/.test(part) || (before !== '/' && before !== '、'))
      return [value];
    numbers.push(withLastDigits(previous, part));
  }
  return numbers.length > 1 ? numbers : [value];
}

/** `number` with its last `digits.length` digits replaced by `digits` (the separators among them go). */
function withLastDigits(number: string, digits: string): string {
  let at = number.length;
  for (let left = digits.length; left > 0 && at > 0;) if (/\d/.test(number[--at]!)) left--;
  return number.slice(0, at) + digits;
}

/** An extension as people write one after the number: `ext. 12`, `x12`, `#801`, `转 801`, `分机801`. */
const EXTENSION = /(?:\b(?:ext(?:ension)?\.?|x)|#|转|分机)\s*(\d{1,7})\s*$/iu;
/** The number itself within a cell: from its first digit (or `+`, `(`) to its last. */
const NUMBER = /[+(（]?\d[\d\s()（）\-./]*\d/u;

/** The number of a value without an extension or words beside it, when it has any; else null. */
function numberAlone(folded: string): string | null {
  const extension = EXTENSION.exec(folded);
  const rest = extension ? folded.slice(0, extension.index) : folded;
  const number = NUMBER.exec(rest)?.[0];
  return number !== undefined && number !== folded ? number : null;
}

/** Words that only say the value is a phone: nothing is lost when they go. */
const PHONE_LABELS = new Set([
  'tel',
  'phone',
  'mobile',
  'cell',
  'mob',
  'telephone',
  '手机',
  '电话',
  '座机',
  '移动电话',
]);

/**
 * What a phone's reading leaves out, for an import's warning (the import keeps the number, in E.164):
 * an extension (E.164 has none), and words written beside the number (`138 0013 8000 老板`,
 * `13800138000 (home)`, `after 6pm`), but not a label saying it is a phone (`tel:`, `手机`). Pure and
 * cheap: no second reading by libphonenumber.
 */
export function phoneLeftOut(value: string): { extension: string | null; words: string | null } {
  const folded = value.normalize('NFKC').trim();
  const extension = EXTENSION.exec(folded);
  const rest = extension ? folded.slice(0, extension.index) : folded;
  const number = NUMBER.exec(rest);
  const outside = number
    ? rest.slice(0, number.index) + ' ' + rest.slice(number.index + number[0].length)
    : rest;
  const words = outside.replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '').replace(/\s*[\p{P}]*\s+[\p{P}]*\s*/gu, ' ');
  const said = /\p{L}/u.test(words) && !PHONE_LABELS.has(words.toLowerCase());
  return { extension: extension ? extension[1]! : null, words: said ? words : null };
}

/**
 * The phones of one cell of a file, each number of it (`phoneNumbersIn`) read by `read` (a normaliser
 * bound to the file's region), in order and without repeats. One part that is no number fails the whole
 * cell rather than keeping the others, and the error names that part within the cell. The order
 * imports (Tmall's reports, any other shop's file) read their phone cells with it.
 */
export function phoneCellNumbers(cell: string, read: (part: string) => string, field: string): string[] {
  const parts = phoneNumbersIn(cell);
  const numbers: string[] = [];
  for (const part of parts) {
    let number: string;
    try {
      number = read(part);
    } catch (e) {
      if (parts.length === 1 || !(e instanceof ValidationError)) throw e;
      const { reason } = e.details as { reason: string };
      throw new ValidationError(field, cell, `holds ${JSON.stringify(part)}, which ${reason}`);
    }
    if (!numbers.includes(number)) numbers.push(number);
  }
  return numbers;
}

/**
 * One phone as a person writes a contact's (the API, the web form): `normalizePhone`, refusing a value
 * that holds several numbers rather than keeping the first and losing the others. An import splits
 * such a cell into the phone and additional phones before it gets here.
 */
export function normalizeOnePhone(value: string, region: Region, field = 'phone'): string {
  const numbers = phoneNumbersIn(value.normalize('NFKC').trim());
  if (numbers.length > 1)
    throw new ValidationError(
      field,
      value,
      `holds ${numbers.length} phone numbers (${numbers.map((n) => JSON.stringify(n)).join(', ')}): a phone is one number, so send each of the others as an item of additional_phones`,
    );
  return normalizePhone(value, region, field);
}
