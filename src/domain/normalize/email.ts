import { ValidationError } from '../errors.js';

// Deliberately pragmatic: the address a user typed must have one @, a local part without spaces,
// and a domain of dot-separated labels ending in a TLD of letters. Quoted local parts are not accepted.
const EMAIL_PATTERN =
  /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+(?:[a-z]{2,63}|xn--[a-z0-9-]{2,59})$/;

/** Trims, folds full-width characters, lower-cases and validates; throws naming the value. */
export function normalizeEmail(value: string, field = 'email'): string {
  const email = value
    .normalize('NFKC')
    .trim()
    .replace(/^mailto:/i, '')
    .toLowerCase();
  if (email === '') throw new ValidationError(field, value, 'is empty');
  if (email.length > 254) throw new ValidationError(field, value, 'is longer than 254 characters');
  if (!EMAIL_PATTERN.test(email)) throw new ValidationError(field, value, 'is not a valid email address');
  return email;
}
