/**
 * Phones as people read them. The server stores every phone in E.164 (+8613812345678); screens show
 * it in the international format (+86 138 1234 5678, with no-break spaces) wherever they show a phone — lists, the customer
 * page, duplicates and merges, the conversation's side panel — always with its country code, whatever
 * the reader's language or the server's default region (KITH_DEFAULT_REGION), so one number reads
 * the same on every screen and for every user. `tel:` links keep E.164; forms keep accepting any
 * common format, and the server stays the one that reads and validates it.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/min';

export function formatPhone(value: string | null | undefined): string {
  if (!value) return '';
  const parsed = parsePhoneNumberFromString(value);
  // Only a possible number read back as exactly itself is reformatted: anything else as stored.
  if (!parsed?.isPossible() || parsed.number !== value) return value;
  // Groups joined by no-break spaces: a number never breaks across lines, also inside a list of them
  // (copied, the browser gives plain spaces, which every phone field reads).
  return parsed.formatInternational().replace(/ /g, '\u00a0');
}

/** A customer field or attribute that holds phones in E.164: the fields the server normalises. */
export function isPhoneField(field: string): boolean {
  return field === 'phone' || field === 'additional_phones';
}

/**
 * A stored phone as a form shows it to be edited: grouped as the screens show it, so the number in the
 * field is the number the person just read, with plain spaces (any phone field and the server read them).
 */
export function phoneForEditing(value: string | null | undefined): string {
  return formatPhone(value).replace(/\u00a0/g, ' ');
}
