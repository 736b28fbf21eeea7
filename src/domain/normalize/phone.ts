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
  const national = parsePhoneNumberFromString(folded, region);
  if (national?.isValid()) return national.number;
  const digits = folded.replace(/[^\d]/g, '');
  if (!folded.startsWith('+') && digits.length >= 8) {
    const international = parsePhoneNumberFromString(`+${digits}`);
    if (international?.isValid()) return international.number;
  }
  throw new ValidationError(
    field,
    value,
    `is not a valid phone number in region ${region} or internationally`,
  );
}
