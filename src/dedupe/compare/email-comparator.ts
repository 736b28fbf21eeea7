import type { Comparator } from './comparator.js';
import { editDistanceWithin, jaroWinkler } from './string-similarity.js';

export interface PreparedEmail {
  address: string;
  /** The mailbox the provider delivers to: Gmail ignores dots, many providers ignore `+tags`. */
  canonical: string;
  /**
   * The length of the part before `@` as written, without a `+tag`: `address`'s beginning (one number
   * instead of a second string per address, for a million contacts' e-mails).
   */
  localLength: number;
}

const IGNORES_DOTS = new Set(['gmail.com', 'googlemail.com']);
const IGNORES_PLUS_TAGS = new Set([
  'gmail.com',
  'googlemail.com',
  'outlook.com',
  'hotmail.com',
  'live.com',
  'icloud.com',
  'me.com',
  'fastmail.com',
  'protonmail.com',
  'proton.me',
  'qq.com',
  '163.com',
]);

export function prepareEmail(raw: string): PreparedEmail | null {
  const address = raw.trim().toLowerCase();
  const at = address.lastIndexOf('@');
  if (at <= 0 || at === address.length - 1)
    return address === '' ? null : { address, canonical: address, localLength: address.length };
  const local = address.slice(0, at).replace(/\+.*$/, '');
  let domain = address.slice(at + 1);
  if (domain === 'googlemail.com') domain = 'gmail.com';
  let mailbox = IGNORES_PLUS_TAGS.has(domain) ? local : address.slice(0, at);
  if (IGNORES_DOTS.has(domain)) mailbox = mailbox.replace(/\./g, '');
  const canonical = `${mailbox}@${domain}`;
  // Most addresses are their own mailbox: one string held instead of two (a million contacts' e-mails).
  return { address, canonical: canonical === address ? address : canonical, localLength: local.length };
}

/**
 * E-mail addresses: exact, same mailbox (dots, `+tags`), same local part elsewhere, then a typo in
 * the address or in a local part of some length at another provider (`mgean.reed61@yahoo.com` /
 * `megan.reed61@example.com`).
 */
export const emailComparator: Comparator<PreparedEmail> = {
  kind: 'email',
  levels: ['exact', 'same_mailbox', 'same_local_part', 'similar_address_or_local_part', 'else'],
  termFrequency: false,
  prepare: prepareEmail,
  key: (v) => v.address,
  blockingKey: (v) => v.canonical,
  compare(a, b) {
    if (a.address === b.address) return 0;
    if (a.canonical === b.canonical) return 1;
    const la = a.localLength;
    const lb = b.localLength;
    if (la === lb && la >= 4 && samePrefix(a.address, b.address, la)) return 2;
    const similar =
      jaroWinkler(a.address, b.address, 0.88) >= 0.88 ||
      // Short local parts ("info", "li") are too alike by chance to count on their own.
      (la >= 6 && lb >= 6 && jaroWinkler(a.address, b.address, 0.92, la, lb) >= 0.92);
    return similar && !numbersDiffer(a.address.slice(0, la), b.address.slice(0, lb)) ? 3 : 4;
  },
};

function samePrefix(a: string, b: string, length: number): boolean {
  for (let k = 0; k < length; k++) if (a.charCodeAt(k) !== b.charCodeAt(k)) return false;
  return true;
}

/**
 * Whether the numbers in two local parts differ by more than a typo: `james.smith12` and
 * `james.smith45` are two James Smiths who picked different numbers, not one person mistyping. A
 * number of one or two digits has no room for a typo: `zhangwei1` and `zhangwei2`, `user3` and
 * `user23` are the next accounts of a common name; only two of its digits swapped can be one. A number
 * of three digits or more (`wang.fang1985` / `wang.fang1986`) can carry any one slip.
 */
export function numbersDiffer(a: string, b: string): boolean {
  const x = a.replace(/\D+/g, '');
  const y = b.replace(/\D+/g, '');
  if (x === '' || y === '' || x === y) return false;
  if (editDistanceWithin(x, y, 1) > 1) return true;
  // Within one edit. A short number changed or lengthened (3 → 23) is another number; two digits
  // swapped (12 / 21), or one dropped from a longer number (255 / 25), is a slip.
  if (x.length === y.length) return x.length < MIN_DIGITS_FOR_A_TYPO && !sameDigits(x, y);
  return Math.max(x.length, y.length) < MIN_DIGITS_FOR_A_TYPO;
}

function sameDigits(x: string, y: string): boolean {
  return [...x].sort().join('') === [...y].sort().join('');
}

const MIN_DIGITS_FOR_A_TYPO = 3;
