import { ValidationError } from '../errors.js';
import { assertNoControlCharacters, type TextLayout } from '../well-formed-text.js';

/**
 * Text normalisation shared by every entry point: NFKC folds full-width letters and digits
 * (`ＡＢＣ１２３` → `ABC123`), then whitespace (including ideographic spaces) is trimmed and collapsed.
 * Full-width punctuation folds too (`（` → `(`): keeping it was tried and undone, because searches,
 * list attribute options and tag and group keys compare folded text, and a kept `（VIP）` would no
 * longer meet a `(VIP)` written before or typed in a search.
 * Returns null for values that are empty after cleaning, so "  " never becomes a stored value.
 */
export function normalizeText(value: string): string | null {
  const cleaned = withoutControls(value).normalize('NFKC').replace(/\s+/gu, ' ').trim();
  return cleaned === '' ? null : cleaned;
}

/** A name a person gives something (a team, a token, a label): at most this many characters. */
export const MAX_NAME_LENGTH = 200;
/** A description a person writes (a group's, an attribute's): at most this many characters. */
export const MAX_DESCRIPTION_LENGTH = 1000;

/**
 * A name or description a person types in settings: `normalizeText`, refused by name when longer than
 * `max` characters (a 100,000-character label was stored as it came and broke every page that shows
 * it), or when it holds a control character (dropping one silently made "VIP\u0007" another "VIP").
 */
export function normalizeBoundedText(
  value: string,
  field: string,
  max: number,
  layout: TextLayout = 'one line',
): string | null {
  assertNoControlCharacters(value, field, layout);
  const text = normalizeText(value);
  if (text !== null && text.length > max)
    throw new ValidationError(field, value, `is longer than ${max.toLocaleString('en')} characters`);
  return text;
}

/** An identity value as stored and looked up: NFKC-folded and trimmed, inner spaces kept. */
export function normalizeIdentityValue(value: string): string {
  return withoutControls(value).normalize('NFKC').trim();
}

/**
 * Control characters removed (whitespace ones become spaces above): they carry nothing in a customer's
 * data (they come from broken exports or pasted terminal output), PostgreSQL cannot store NUL in text,
 * XML and XLSX cannot hold them (an export would change the value and its re-import "update" it), and
 * an ESC sequence printed by `kith contacts get` would drive the terminal.
 */
// eslint-disable-next-line no-control-regex -- these are the characters removed
const CONTROLS = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/gu;
// eslint-disable-next-line no-control-regex -- the same, tested once without the global flag
const HAS_CONTROL = /[\u0000-\u0008\u000E-\u001F\u007F-\u009F]/u;

function withoutControls(value: string): string {
  return HAS_CONTROL.test(value) ? value.replace(CONTROLS, '') : value;
}
