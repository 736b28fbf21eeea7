/**
 * An import's source values for the whole file (initial source, source detail, campaign): which
 * contacts take them, as a table of new vs existing contact × source policy × the row's own column.
 */
import { describe, expect, it } from 'vitest';
import { emptyContactState } from '../../src/domain/contact/contact-fields.js';
import type { ContactPatch } from '../../src/domain/contact/contact-patch.js';
import { mergeImportPatch, patchForNewContact } from '../../src/imports/apply/merge-import-patch.js';
import { normalizeSourceValue, type SourcePolicy } from '../../src/imports/import-settings.js';
import { ValidationError } from '../../src/domain/errors.js';

const settings = (sourcePolicy: SourcePolicy) => ({
  tags: [],
  sourcePolicy,
  initialSource: 'Trade fair Shanghai 2026',
  initialSourceDetail: null,
  campaign: 'Spring promo',
});

/** The row's own column: absent (not mapped), an empty cell (null), or a value. */
type Column = 'absent' | 'empty' | 'value';
const rowWith = (column: Column): ContactPatch => ({
  scalars: {
    city: '上海',
    ...(column === 'value' ? { initial_source: 'website', campaign: 'Newsletter' } : {}),
    ...(column === 'empty' ? { initial_source: null, campaign: null } : {}),
  },
});

// [contact, policy, the row's column, initial_source after, campaign after]
const FAIR = 'Trade fair Shanghai 2026';
const PROMO = 'Spring promo';
const cases: ['new' | 'existing', SourcePolicy, Column, string | null, string | null][] = [
  ['new', 'new-only', 'absent', FAIR, PROMO],
  ['new', 'new-only', 'empty', FAIR, PROMO],
  ['new', 'new-only', 'value', 'website', 'Newsletter'],
  ['new', 'all', 'absent', FAIR, PROMO],
  ['new', 'all', 'empty', FAIR, PROMO],
  ['new', 'all', 'value', 'website', 'Newsletter'],
  ['existing', 'new-only', 'absent', 'ads', 'Old promo'],
  ['existing', 'new-only', 'empty', 'ads', 'Old promo'],
  ['existing', 'new-only', 'value', 'ads', 'Old promo'],
  ['existing', 'all', 'absent', FAIR, PROMO],
  ['existing', 'all', 'empty', FAIR, PROMO],
  ['existing', 'all', 'value', 'website', 'Newsletter'],
];

describe('source values for the whole file', () => {
  it.each(cases)(
    '%s contact, policy %s, column %s → %s / %s',
    (contact, policy, column, source, campaign) => {
      const row = rowWith(column);
      if (contact === 'new') {
        const patch = patchForNewContact(row, settings(policy));
        expect(patch.scalars).toMatchObject({ city: '上海', initial_source: source, campaign });
        // A value not given for the whole file is not set: detail stays as the row has it (absent).
        expect(patch.scalars.initial_source_detail).toBeUndefined();
      } else {
        const current = {
          ...emptyContactState(),
          email: 'a@example.com',
          initial_source: 'ads',
          campaign: 'Old promo',
        };
        const { patch } = mergeImportPatch(current, row, settings(policy));
        const after = { ...current, ...patch.scalars };
        expect(after).toMatchObject({ city: '上海', initial_source: source, campaign });
        expect(after.initial_source_detail).toBeNull();
      }
    },
  );

  it('sets nothing when the import has no values', () => {
    const none = { tags: [], sourcePolicy: 'all' as const };
    expect(patchForNewContact(rowWith('absent'), none).scalars).toEqual({ city: '上海' });
    expect(mergeImportPatch(emptyContactState(), rowWith('absent'), none).patch.scalars).toEqual({
      city: '上海',
    });
  });

  it("checks a typed value as a contact's source field is checked", () => {
    expect(normalizeSourceValue('  Trade   fair ', 'options.initial_source')).toBe('Trade fair');
    expect(normalizeSourceValue('   ', 'options.initial_source')).toBeNull();
    expect(normalizeSourceValue(undefined, 'options.campaign')).toBeNull();
    expect(normalizeSourceValue('x'.repeat(1000), 'options.campaign')).toHaveLength(1000);
    const refusal = (raw: unknown, field: string) => {
      try {
        normalizeSourceValue(raw, field);
      } catch (e) {
        expect(e).toBeInstanceOf(ValidationError);
        return { field: (e as ValidationError).field, message: (e as Error).message };
      }
      throw new Error('not refused');
    };
    expect(refusal('x'.repeat(1001), 'options.campaign')).toMatchObject({
      field: 'options.campaign',
      message: expect.stringContaining('longer than 1000 characters'),
    });
    expect(refusal('Fair\u0007', 'options.initial_source')).toMatchObject({
      field: 'options.initial_source',
      message: expect.stringContaining('control character'),
    });
    expect(refusal(5, 'options.initial_source_detail').message).toContain('must be text');
  });
});
