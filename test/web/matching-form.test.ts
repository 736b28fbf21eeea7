import { describe, expect, it } from 'vitest';
import { COMPARATOR_KINDS } from '../../src/dedupe/compare/comparator.js';
import {
  COMPARABLE_STANDARD_FIELDS,
  DEFAULT_MATCHING_RULES,
  matchingRulesSchema,
} from '../../src/dedupe/model/matching-rules.js';
import { WEB } from './web-i18n.js';

interface FieldRule {
  field: string;
  comparator: string;
  [other: string]: unknown;
}
interface MatchingRules {
  fields: FieldRule[];
  blocking?: string[][];
  thresholds?: { match: number; review: number };
  prior?: number;
  [other: string]: unknown;
}
interface RulesForm {
  fields: FieldRule[];
  blocking: string[][];
  match: number | '';
  review: number | '';
  prior: number | '';
  stored: object;
  rest: Record<string, unknown>;
}

// Loaded by path, as test/web/i18n-keys.test.ts explains.
const form = (await import(`${WEB}/features/settings/matching-form.ts`)) as {
  COMPARATORS: readonly string[];
  STANDARD_FIELDS: readonly string[];
  MAX_FIELDS: number;
  MAX_BLOCKING_RULES: number;
  toPercent: (p: number) => number;
  fromPercent: (p: number) => number;
  toOneIn: (p: number) => number;
  fromOneIn: (n: number) => number;
  formatThreshold: (p: number, locale: string) => string;
  formOf: (rules: MatchingRules) => RulesForm;
  rulesOf: (form: RulesForm) => MatchingRules;
  missingThreshold: (form: RulesForm) => 'match' | 'review' | null;
  blockingRowOf: (blocking: string[][], index: number) => number | null;
  fieldGroup: (field: string) => string;
  suggestedComparator: (field: string) => string;
  blockingTerms: (fields: FieldRule[]) => string[];
  termParts: (term: string) => { field: string; variant: string | null };
  keepBlockingTerms: (blocking: string[][], before: FieldRule[], after: FieldRule[]) => string[][];
  problemSpot: (path: string) => object | null;
  problemPlace: (path: string) => { place: string; n?: number } | null;
};

describe('the web copy of the server lists', () => {
  it('offers exactly the standard fields the server compares', () => {
    expect([...form.STANDARD_FIELDS].sort()).toEqual([...COMPARABLE_STANDARD_FIELDS].sort());
  });

  it('offers exactly the comparisons the server knows', () => {
    expect([...form.COMPARATORS].sort()).toEqual([...COMPARATOR_KINDS].sort());
  });

  it('limits fields and blocking rules as the server does', () => {
    const field = (i: number) => ({ field: form.STANDARD_FIELDS[i]!, comparator: 'text' });
    const fields = Array.from({ length: form.MAX_FIELDS }, (_, i) => field(i));
    expect(matchingRulesSchema.safeParse({ fields }).success).toBe(true);
    expect(matchingRulesSchema.safeParse({ fields: [...fields, field(15)] }).success).toBe(false);
    const blocking = Array.from({ length: form.MAX_BLOCKING_RULES }, () => ['name']);
    expect(matchingRulesSchema.safeParse({ fields, blocking }).success).toBe(true);
    expect(matchingRulesSchema.safeParse({ fields, blocking: [...blocking, ['name']] }).success).toBe(false);
  });
});

describe('percentages and "1 in N"', () => {
  it.each([
    [0.99, 99],
    [0.8, 80],
    [0.999, 99.9],
    [0.9995, 99.95],
    [0.07, 7],
    [0.29, 29],
    [0.5, 50],
    [0.0001, 0.01],
  ])('%s is %s%% and back exactly', (probability, percent) => {
    expect(form.toPercent(probability)).toBe(percent);
    expect(form.fromPercent(percent)).toBe(probability);
  });

  it.each([
    [0.0001, 10000],
    [0.001, 1000],
    [0.5, 2],
    [0.00002, 50000],
    [0.003, 333.333333333],
  ])('a prior of %s is 1 in %s', (probability, n) => {
    expect(form.toOneIn(probability)).toBe(n);
  });

  it.each([
    [10000, 0.0001],
    [2, 0.5],
    [3, 0.333333333333],
    [50000, 0.00002],
  ])('1 in %s is a prior of %s', (n, probability) => {
    expect(form.fromOneIn(n)).toBe(probability);
  });

  it.each([
    [0.99, 'en-GB', '99%'],
    [0.9995, 'en-GB', '99.95%'],
    [0.8, 'zh-CN', '80%'],
    [0.99991, 'en-GB', '99.991%'],
  ])('a threshold of %s reads %s in %s', (probability, locale, text) => {
    expect(form.formatThreshold(probability, locale)).toBe(text);
  });
});

describe('the rules as the form edits them, and back', () => {
  const learnt: MatchingRules = {
    fields: [
      { field: 'name', comparator: 'name', m: [0.9, 0.05, 0.05], u: [0.001, 0.01, 0.989] },
      { field: 'first_name', comparator: 'name' },
      { field: 'last_name', comparator: 'name' },
      { field: 'email', comparator: 'email', term_frequency: false },
      { field: 'address', comparator: 'address' },
      { field: 'attr.tier', comparator: 'exact' },
      { field: 'identity.wechat_openid', comparator: 'identifier' },
    ],
    blocking: [['email'], ['name:phonetic', 'address:street'], ['first_name:halves']],
    // Derived values are stored with all their digits.
    thresholds: { match: 0.9912345678901234, review: 0.8 },
    prior: 0.000123456789012345,
    max_block_size: 250,
  };

  it.each([
    ['the defaults', DEFAULT_MATCHING_RULES as MatchingRules],
    ['rules with learnt probabilities, blocking, thresholds, prior and a block size', learnt],
    [
      'plain thresholds',
      { fields: [{ field: 'phone', comparator: 'phone' }], thresholds: { match: 0.99, review: 0.8 } },
    ],
    ['a prior only', { fields: [{ field: 'phone', comparator: 'phone' }], prior: 0.0001 }],
  ])('%s come back as they were', (_, rules) => {
    expect(form.rulesOf(form.formOf(rules))).toEqual(rules);
    expect(matchingRulesSchema.safeParse(form.rulesOf(form.formOf(rules))).success).toBe(true);
  });

  it('shows thresholds as percentages and the prior as 1 in N', () => {
    const shown = form.formOf(learnt);
    expect(shown.match).toBe(99.123456789);
    expect(shown.review).toBe(80);
    expect(shown.prior).toBe(8100.0000729);
    expect(shown.blocking).toEqual(learnt.blocking);
    expect(shown.rest).toEqual({ max_block_size: 250 });
  });

  it.each([
    [{ match: 99, review: 80, prior: '' }, { match: 0.99, review: 0.8 }, undefined],
    [{ match: 99.9, review: 75.5, prior: 10000 }, { match: 0.999, review: 0.755 }, 0.0001],
    [{ match: '', review: '', prior: 2 }, undefined, 0.5],
  ] as const)('%j is sent as thresholds %j and prior %s', (typed, thresholds, prior) => {
    const rules = form.rulesOf({ ...form.formOf(learnt), ...typed });
    expect(rules.thresholds).toEqual(thresholds);
    expect(rules.prior).toBe(prior);
    expect(rules.max_block_size).toBe(250);
    expect(rules.fields).toEqual(learnt.fields);
  });

  it('sends no blocking when every rule is empty, and leaves empty rules out', () => {
    const base = form.formOf(learnt);
    expect(form.rulesOf({ ...base, blocking: [[], []] }).blocking).toBeUndefined();
    expect(form.rulesOf({ ...base, blocking: [] }).blocking).toBeUndefined();
    expect(form.rulesOf({ ...base, blocking: [['email'], [], ['name']] }).blocking).toEqual([
      ['email'],
      ['name'],
    ]);
  });

  it.each([
    [{ match: 99, review: '' }, 'review'],
    [{ match: '', review: 80 }, 'match'],
    [{ match: '', review: '' }, null],
    [{ match: 99, review: 80 }, null],
  ] as const)('%j misses %s', (thresholds, missing) => {
    expect(form.missingThreshold({ ...form.formOf(learnt), ...thresholds })).toBe(missing);
  });

  it.each([
    [[['email'], ['name']], 1, 1],
    [[['email'], [], ['name']], 1, 2],
    [[[], ['email'], [], ['name']], 0, 1],
    [[['email']], 1, null],
  ])('in %j the rule the server numbers %s is row %s', (blocking, index, row) => {
    expect(form.blockingRowOf(blocking, index)).toBe(row);
  });
});

describe('fields and their comparisons', () => {
  it.each([
    ['name', 'name', 'standard'],
    ['first_name', 'name', 'standard'],
    ['email', 'email', 'standard'],
    ['phone', 'phone', 'standard'],
    ['birthday', 'date', 'standard'],
    ['address', 'address', 'standard'],
    ['gender', 'exact', 'standard'],
    ['postcode', 'exact', 'standard'],
    ['country', 'exact', 'standard'],
    ['city', 'text', 'standard'],
    ['company', 'text', 'standard'],
    ['identity.wechat_openid', 'identifier', 'identity'],
    ['attr.tier', 'text', 'attribute'],
  ])('%s is compared as %s, listed with the %s fields', (field, comparator, group) => {
    expect(form.suggestedComparator(field)).toBe(comparator);
    expect(form.fieldGroup(field)).toBe(group);
  });
});

describe('blocking terms', () => {
  const rule = (field: string, comparator: string) => ({ field, comparator });

  it.each([
    [
      [rule('name', 'name'), rule('email', 'email')],
      ['name', 'name:phonetic', 'email'],
    ],
    [
      [rule('company', 'text'), rule('city', 'exact')],
      ['company', 'company:phonetic', 'city'],
    ],
    [[rule('address', 'address')], ['address', 'address:phonetic', 'address:street']],
    [
      [rule('first_name', 'name'), rule('last_name', 'name')],
      ['first_name', 'first_name:phonetic', 'first_name:halves', 'last_name', 'last_name:phonetic'],
    ],
    // Both halves must be compared as names to be keyed in either order.
    [
      [rule('first_name', 'name'), rule('last_name', 'text')],
      ['first_name', 'first_name:phonetic', 'last_name', 'last_name:phonetic'],
    ],
    [[rule('first_name', 'name')], ['first_name', 'first_name:phonetic']],
    [[rule('identity.qq', 'identifier'), rule('', 'text')], ['identity.qq']],
  ])('%j offer %j', (fields, terms) => {
    expect(form.blockingTerms(fields)).toEqual(terms);
    // Every term offered is one the server accepts.
    expect(
      matchingRulesSchema.safeParse({ fields: fields.filter((f) => f.field), blocking: [terms] }).success,
    ).toBe(true);
  });

  it.each([
    ['name', 'name', null],
    ['name:phonetic', 'name', 'phonetic'],
    ['first_name:halves', 'first_name', 'halves'],
    ['attr.tier', 'attr.tier', null],
  ])('%s is %s with variant %s', (term, field, variant) => {
    expect(form.termParts(term)).toEqual({ field, variant });
  });

  const before = [rule('name', 'name'), rule('email', 'email'), rule('city', 'text')];
  it.each([
    [
      'a field removed',
      [rule('name', 'name'), rule('city', 'text')],
      [['name:phonetic'], ['city', 'name', 'city:street']],
    ],
    [
      'a comparison without sounds-alike',
      [rule('name', 'exact'), rule('email', 'email'), rule('city', 'text')],
      [['email'], ['city', 'name', 'city:street']],
    ],
    [
      'a field added',
      [...before, rule('phone', 'phone')],
      [
        ['name:phonetic', 'email'],
        ['city', 'name', 'city:street'],
      ],
    ],
  ])('after %s, the terms it took away go and a stored term stays', (_, after, kept) => {
    const blocking = [
      ['name:phonetic', 'email'],
      ['city', 'name', 'city:street'],
    ];
    expect(form.keepBlockingTerms(blocking, before, after)).toEqual(kept);
  });
});

describe('refusals on their widgets', () => {
  it.each([
    ['rules.fields[2].field', { on: 'field', row: 2 }],
    ['rules.fields[0].comparator', { on: 'comparator', row: 0 }],
    ['rules.thresholds', { on: 'review' }],
    ['rules.thresholds.review', { on: 'review' }],
    ['rules.thresholds.match', { on: 'match' }],
    ['rules.prior', { on: 'prior' }],
    ['rules.blocking[3][1]', { on: 'blocking', rule: 3 }],
    ['rules.blocking[0]', { on: 'blocking', rule: 0 }],
    ['rules.fields[1].m', null],
    ['rules.max_block_size', null],
    ['rules.blocking', null],
  ])('%s shows on %j', (path, spot) => {
    expect(form.problemSpot(path)).toEqual(spot);
  });

  it.each([
    ['rules.max_block_size', { place: 'maxBlockSize' }],
    ['rules.fields', { place: 'fields' }],
    ['rules.fields[1].m', { place: 'fieldN', n: 2 }],
    ['rules.blocking', { place: 'blocking' }],
    ['rules', null],
    ['rules.shoe_size', null],
  ])('%s is about %j', (path, place) => {
    expect(form.problemPlace(path)).toEqual(place);
  });
});
