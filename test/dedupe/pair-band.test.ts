import { describe, expect, it } from 'vitest';
import {
  bandAboveReview,
  identifiersDiffer,
  identifiesACustomer,
  pairBand,
} from '../../src/dedupe/model/pair-band.js';

const field = (name: string, levels: string[]) => ({ rule: { field: name }, comparator: { levels } });
const NAME = field('name', ['exact', 'similar', 'else']);
const EMAIL = field('email', ['exact', 'same_mailbox', 'same_local_part', 'similar', 'else']);
const PHONE = field('phone', ['exact', 'same_without_country_code', 'one_edit', 'else']);
const MEMBER = field('identity.member_no', ['exact', 'one_edit', 'two_edits', 'else']);
const SITE_PHONE = field('attr.site_phone', ['exact', 'same_without_country_code', 'one_edit', 'else']);
const FIELDS = [NAME, EMAIL, PHONE, MEMBER, SITE_PHONE];
const thresholds = { match: 0.9, review: 0.3 };

describe('which band a pair goes in', () => {
  it.each([
    ['e-mail, phone and identities are the customer’s own', 'email', true],
    ['', 'phone', true],
    ['', 'identity.taobao_nick', true],
    ['an attribute holding a phone is a fact, not an identity', 'attr.phone', false],
    ['', 'name', false],
    ['', 'company', false],
  ])('%s: %s → %s', (_why, name, expected) => expect(identifiesACustomer(name)).toBe(expected));

  // Levels per field of FIELDS; -1 is a value missing on either side.
  it.each([
    ['same name, phones wholly different', [0, -1, 3, -1, -1], true],
    ['same name, similar e-mails, phones wholly different', [0, 3, 3, -1, -1], true],
    ['e-mails wholly different', [0, 4, -1, -1, -1], true],
    ['member numbers wholly different', [0, -1, -1, 3, -1], true],
    ['a phone one keystroke off is a typo, not a conflict', [0, -1, 2, -1, -1], false],
    ['one holds a phone, the other an e-mail: nothing contradicts', [0, -1, -1, -1, -1], false],
    ['the sites’ switchboards differ: an attribute, the model’s to weigh', [0, -1, -1, -1, 3], false],
    ['a name wholly different is the model’s to weigh', [2, 1, -1, -1, -1], false],
  ])('%s: identifiers differ = %s', (_case, levels, expected) =>
    expect(identifiersDiffer(FIELDS, levels)).toBe(expected),
  );

  it.each([
    [0.99, false, 'match'],
    [0.99, true, 'review'],
    [0.9, false, 'match'],
    [0.5, false, 'review'],
    [0.5, true, 'review'],
    [0.29, false, 'none'],
    [0.29, true, 'none'],
  ] as const)('probability %s, identifiers differ %s → %s', (probability, differ, band) => {
    expect(pairBand(probability, thresholds, differ)).toBe(band);
    if (band !== 'none') expect(bandAboveReview(probability, thresholds, differ)).toBe(band);
  });
});
