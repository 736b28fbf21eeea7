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
  return null;
}

/**
 * The numbers of a value that holds several (`13800138020/13900139020`, `138…；139…`, as Chinese CRMs
 * write a customer's mobile and landline in one cell), else the value as the one number. Read whole, the
 * second number became the first one's "extension" and was dropped (`13800138000;13900139000`), or the
 * value was refused as no number. A part of fewer than 7 digits is no number of its own (`010-8888
 * 6666/6667`, `(415) 555-0100, ext 12`), so such a value stays whole.
 */
export function phoneNumbersIn(value: string): string[] {
  const parts = value.split(/\s*[/;；,，、|]\s*/u).filter((p) => p !== '');
  return parts.length > 1 && parts.every((p) => p.replace(/\D/g, '').length >= 7) ? parts : [value];
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
