/**
 * The summary of why rows failed counts only the causes: a failed row also names the values that
 * would be left out of it once it is fixed ("gender was not imported: …"), so that one fix does it,
 * but those are warnings, which never fail a row, and have their own count and reasons.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failureKinds, isLeftOutValue, reasonKinds } from '../../src/imports/report/reason-kind.js';
import { validateRow } from '../../src/imports/validate/row-validation.js';
import { fixture, runImport } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

describe('isLeftOutValue', () => {
  it.each([
    ['gender was not imported: must be one of male, female, other', true],
    ['attributes.tier was not imported: must be one of gold, silver (got "x")', true],
    ['phone: is not a valid phone number', false],
    ['the row has no id, identity, phone or email, so it can be neither matched nor created', false],
    ["identities.wechat: the contact already has another, so the file's was not imported", false],
    ['the same phone is also on other rows of this file', false],
  ])('%s → %s', (reason, leftOut) => {
    expect(isLeftOutValue(reason)).toBe(leftOut);
  });
});

describe('failureKinds', () => {
  it.each([
    [
      'phone: is not a valid phone number (got "abc"); gender was not imported: must be one of male, female, other (got "x")',
      ['phone: is not a valid phone number'],
    ],
    ['email: is not a valid email address (got "bad")', ['email: is not a valid email address']],
    // Never nothing: a reason of left-out values alone (none is written so) counts as it is.
    [
      'gender was not imported: must be one of male, female, other',
      ['gender was not imported: must be one of male, female, other'],
    ],
  ])('%s', (reason, kinds) => {
    expect(failureKinds(reason)).toEqual(kinds);
  });
});

describe('a failed row names its cause apart from what would be left out', () => {
  const ctx = { region: 'CN' } as Parameters<typeof validateRow>[1];
  it.each<[string, Record<string, unknown>, string[], string[]]>([
    [
      'a bad phone and a bad gender',
      { phone: 'abc', name: 'Bob', gender: 'Agender' },
      ['phone: is not a valid phone number'],
      ['gender was not imported: must be one of male, female, other'],
    ],
    [
      'a bad e-mail and a bad birthday',
      { email: 'bad', birthday: '1990-13-01' },
      ['email: is not a valid email address'],
      ['birthday was not imported:'],
    ],
    [
      'no identifier and a bad gender',
      { name: 'Nobody', gender: 'Agender' },
      ['the row has no id, identity, phone or email'],
      ['gender was not imported:'],
    ],
    [
      'tags it cannot do without and a bad gender',
      { email: 'half@example.com', tags: '\ud800', gender: 'Agender' },
      ['tags: holds half of a UTF-16 surrogate pair'],
      ['gender was not imported:'],
    ],
    ['a bad phone alone', { phone: 'abc' }, ['phone: is not a valid phone number'], []],
  ])('%s', (_case, input, causes, leftOut) => {
    const v = validateRow({ id: null, input }, ctx);
    if (v.ok) throw new Error('expected the row to fail');
    const kinds = reasonKinds(v.reason);
    const counted = kinds.filter((k) => !isLeftOutValue(k));
    const apart = kinds.filter(isLeftOutValue);
    // (A reason may hold "; " itself, and count as two: the causes come first, in order.)
    causes.forEach((cause, i) => expect(counted[i]).toContain(cause));
    expect(counted.some((k) => k.includes('was not imported'))).toBe(false);
    expect(apart).toHaveLength(leftOut.length);
    leftOut.forEach((value, i) => expect(apart[i]).toContain(value));
  });
});

describe(`the check of an XLSX file on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => {
    await kith.close();
  });

  it('counts only failure causes among the reasons rows fail, warnings apart', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Customers');
    sheet.addRow(['Name', 'Email', 'Phone', 'Gender']);
    sheet.addRow(['Ann', 'ann@example.com', '13800138000', 'Female']);
    sheet.addRow(['Bob', 'bob@example.com', 'abc', 'Agender']); // fails on its phone; gender aside
    for (let i = 0; i < 4; i++) sheet.addRow([`Row ${i}`, `r${i}@example.com`, `12${i}`, 'Male']);
    sheet.addRow(['Cai', 'cai@example.com', '13900139000', 'Agender']); // imported, gender left out
    const file = fixture('check.xlsx', Buffer.from(await book.xlsx.writeBuffer()));
    const result = await runImport(kith, file, {
      mapping: { Name: 'name', Email: 'email', Phone: 'phone', Gender: 'gender' },
      dryRun: true,
    });
    expect(result.status).toBe('completed');
    expect(result).toMatchObject({ failed: 5, warned: 1 });

    const failures = await kith.imports.rowReport(result.id, 'failures');
    expect(failures.total).toBe(5);
    expect(failures.reasons).toEqual([
      { reason: expect.stringMatching(/^phone: is not a valid phone number/), count: 5, example_row: 3 },
    ]);
    // The row itself still says what else to fix.
    expect(failures.rows[0]!.reason).toMatch(/^phone: .*; gender was not imported: /);

    const warnings = await kith.imports.rowReport(result.id, 'warnings');
    expect(warnings.total).toBe(1);
    expect(warnings.reasons).toEqual([
      { reason: expect.stringMatching(/^gender was not imported: /), count: 1, example_row: 8 },
    ]);
  });
});
