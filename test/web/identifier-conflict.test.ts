import { describe, expect, it } from 'vitest';
import { identifiersDiffer } from '../../src/dedupe/model/pair-band.js';
import { COMPARATORS } from '../../src/dedupe/compare/comparator-registry.js';
import { differingIdentifiers } from '../../web/src/features/duplicates/identifier-conflict.js';

describe('the compare screen names the identifiers that keep a pair from the match band', () => {
  // Explanations as the API gives them: each field's level label (`missing` when one side is empty).
  it.each([
    [
      [
        ['name', 'exact', 'name'],
        ['phone', 'else', 'phone'],
      ],
      ['phone'],
    ],
    [
      [
        ['email', 'else', 'email'],
        ['phone', 'else', 'phone'],
      ],
      ['email', 'phone'],
    ],
    [[['identity.member_no', 'else', 'identifier']], ['identity.member_no']],
    [[['phone', 'one_edit', 'phone']], []],
    [[['phone', 'missing', 'phone']], []],
    // An attribute holding a phone is not the customer's identifier.
    [[['attr.site_phone', 'else', 'phone']], []],
    [[['company', 'else', 'text']], []],
  ] as const)('%j → %j, as the server bands it', (rows, expected) => {
    const explanation = rows.map(([field, level]) => ({ field, level }));
    expect(differingIdentifiers(explanation)).toEqual(expected);
    // The server's own rule over the same levels says the same.
    const fields = rows.map(([field, , kind]) => ({
      rule: { field },
      comparator: COMPARATORS[kind as keyof typeof COMPARATORS],
    }));
    const levels = rows.map(([, level], k) => fields[k]!.comparator.levels.indexOf(level));
    expect(identifiersDiffer(fields, levels)).toBe(expected.length > 0);
  });
});
