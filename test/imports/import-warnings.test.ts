/**
 * A value that does not validate costs the customer only when it is an identifier: any other field is
 * left out and the row imported with a warning (counted in `warned`, listed in the warnings file).
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttributeDefinition } from '../../src/domain/contact/attribute-value.js';
import type { NormalizeContext } from '../../src/domain/contact/contact-patch.js';
import { fileKeys, validateRow } from '../../src/imports/validate/row-validation.js';
import { ADMIN, fixture, readFailureReasons, runImport } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const definitions = new Map<string, AttributeDefinition>([
  ['vip', { key: 'vip', label: 'VIP', type: 'boolean', options: null, description: null }],
  ['points', { key: 'points', label: 'Points', type: 'number', options: null, description: null }],
  ['tier', { key: 'tier', label: 'Tier', type: 'list', options: ['Gold', 'Silver'], description: null }],
]);
const normalize: NormalizeContext = {
  region: 'CN',
  identityTypes: new Set(['external_id', 'member_no']),
  attributeDefinitions: definitions,
};

const honest = (r: { rows: number; created: number; updated: number; unchanged: number; failed: number }) =>
  expect(r.created + r.updated + r.unchanged + r.failed).toBe(r.rows);

describe('validateRow: warnings for non-identifier fields', () => {
  it.each([
    [
      'a gender Chatwoot exports',
      { email: 'a@example.com', gender: 'Agender' },
      { email: 'a@example.com' },
      ['gender was not imported: must be one of male, female, other (got "Agender")'],
    ],
    [
      'an impossible birthday',
      { phone: '13800138000', name: '张伟', birthday: '1990-13-01' },
      { phone: '+8613800138000', scalars: { name: '张伟' } },
      ['birthday was not imported: is not a real calendar date (got "1990-13-01")'],
    ],
    [
      "a spreadsheet's placeholder birthday",
      { phone: '13800138000', name: '张伟', birthday: '9999-12-31' },
      { phone: '+8613800138000', scalars: { name: '张伟' } },
      ['birthday was not imported: is in the future (got "9999-12-31")'],
    ],
    [
      'a Salesforce birthdate both day/month and month/day readings make a date of',
      { email: 'john@globex.com', birthday: '3/5/1980' },
      { email: 'john@globex.com' },
      [
        'birthday was not imported: could be day/month or month/day, so write it as YYYY-MM-DD (got "3/5/1980")',
      ],
    ],
    [
      "Mailchimp's birthday, which has no year",
      { email: 'olivia@example.com', birthday: '03/05' },
      { email: 'olivia@example.com' },
      [
        'birthday was not imported: has no year, and a date is stored with its year as YYYY-MM-DD (got "03/05")',
      ],
    ],
    [
      'attributes of the wrong type, each on its own',
      { email: 'b@example.com', attributes: { vip: 'maybe', points: 'lots', tier: 'Gold' } },
      { email: 'b@example.com', attributes: { tier: 'Gold' } },
      [
        expect.stringMatching(/^attributes\.vip was not imported: .*\(got "maybe"\)$/),
        expect.stringMatching(/^attributes\.points was not imported: must be a number \(got "lots"\)$/),
      ],
    ],
    [
      'one tag too long among good ones',
      { email: 'c@example.com', tags: `VIP;${'x'.repeat(101)};老客户` },
      { email: 'c@example.com', tags: ['VIP', '老客户'] },
      [expect.stringMatching(/^tags\[1\] was not imported: is longer than 100 characters/)],
    ],
    [
      'a name longer than a field holds',
      { identities: { member_no: 'M-1' }, name: 'n'.repeat(1001), city: '杭州' },
      { identities: { member_no: 'M-1' }, scalars: { city: '杭州' } },
      [expect.stringMatching(/^name was not imported: is longer than 1000 characters/)],
    ],
  ])('%s: imported without it, with a warning', (_label, input, patch, warnings) => {
    const v = validateRow({ id: null, input }, normalize);
    expect(v).toMatchObject({ ok: true, patch, warnings });
    if (v.ok) expect(v.patch.scalars).not.toHaveProperty('gender');
  });

  it.each([
    // HubSpot, Salesforce, Intercom, Zendesk: a national number beside the customer's country
    [{ phone: '(415) 555-0100', country: 'United States' }, '+14155550100'],
    [{ phone: '212-555-0147', country: 'USA' }, '+12125550147'],
    [{ phone: '07911 123456', country: 'United Kingdom' }, '+447911123456'],
    [{ phone: '090-1234-5678', country: 'Japan' }, '+819012345678'],
    [{ phone: '0151 23456789', country: 'Germany' }, '+4915123456789'],
    [{ phone: '13800138000', country: '中国' }, '+8613800138000'],
    [{ phone: '+86 138 0013 8000', country: 'United States' }, '+8613800138000'], // international wins
    [{ phone: '0044 20 7946 0958', country: 'United Kingdom' }, '+442079460958'],
    [{ phone: '13800138000', country: 'Atlantis' }, '+8613800138000'], // no region named: the import's
    [{ phone: '13800138000' }, '+8613800138000'],
  ])("%j: the phone is read in the row's country", (input, phone) => {
    expect(validateRow({ id: null, input }, normalize)).toMatchObject({ ok: true, patch: { phone } });
    expect(fileKeys({ id: null, input }, normalize)).toEqual([`phone\u0000${phone}`]);
  });

  it.each([
    // What a phone cell says beside its number is imported as the number, said in a warning.
    [
      { phone: '138 0013 8000 老板' },
      '+8613800138000',
      ['phone: kept as the number only, without the words beside it (got "138 0013 8000 老板")'],
    ],
    [
      { phone: '13800138000 (home)' },
      '+8613800138000',
      ['phone: kept as the number only, without the words beside it (got "13800138000 (home)")'],
    ],
    [
      { phone: '+1 415 555 0100 ext. 12', country: 'United States' },
      '+14155550100',
      [
        'phone: kept without its extension, which a phone in international form (E.164) cannot hold (got "+1 415 555 0100 ext. 12")',
      ],
    ],
    [
      { phone: '13800138000', additional_phones: '0571-88888888 转 801;13900139000 after 6pm' },
      '+8613800138000',
      [
        expect.stringMatching(
          /^additional_phones\[0\]: kept without its extension, .*\(got "0571-88888888 转 801"\)$/,
        ),
        'additional_phones[1]: kept as the number only, without the words beside it (got "13900139000 after 6pm")',
      ],
    ],
    // A label that only says it is a phone loses nothing.
    [{ phone: '手机：13800138000' }, '+8613800138000', []],
    [{ phone: 'Tel. +86 138-0013-8000' }, '+8613800138000', []],
    [{ phone: '(415) 555-0100', country: 'United States' }, '+14155550100', []],
  ])('%j: the phone %s, the warnings %j', (input, phone, warnings) => {
    expect(validateRow({ id: null, input }, normalize)).toMatchObject({
      ok: true,
      patch: { phone },
      warnings,
    });
  });

  it('says nothing of the words beside a phone the row fails for', () => {
    const v = validateRow({ id: null, input: { email: 'z@example.com', phone: '12345 老板' } }, normalize);
    expect(v).toEqual({
      ok: false,
      reason: 'phone: is not a valid phone number in region CN or internationally (got "12345 老板")',
    });
  });

  it.each([
    ['05.03.1980', '1980-03-05'], // Zoho set to German
    ['3/25/1980', '1980-03-25'], // Salesforce, only month-first is a date
    ['Mar 5, 1980', '1980-03-05'],
    ['1980/3/5 0:00', '1980-03-05'], // Excel's date cell saved as CSV
    ['1980年3月5日', '1980-03-05'],
  ])('birthday %j is imported as %s', (birthday, iso) => {
    expect(validateRow({ id: null, input: { email: 'k@example.de', birthday } }, normalize)).toMatchObject({
      ok: true,
      patch: { scalars: { birthday: iso } },
      warnings: [],
    });
  });

  it.each([
    [
      'a Taobao member whose phone is masked',
      { identities: { member_no: 'tb_zhangsan88' }, phone: '138****8004', name: '张三' },
      { identities: { member_no: 'tb_zhangsan88' }, scalars: { name: '张三' } },
      [
        'phone was not imported: is masked: the platform it was exported from hides its characters (got "138****8004")',
      ],
    ],
    [
      'a masked e-mail beside a phone',
      { phone: '13800138000', email: 'z***@qq.com' },
      { phone: '+8613800138000' },
      [
        'email was not imported: is masked: the platform it was exported from hides its characters (got "z***@qq.com")',
      ],
    ],
    [
      'a masked additional phone among good ones',
      { phone: '13800138000', additional_phones: '139****9000;13700137000' },
      { phone: '+8613800138000', additional_phones: ['+8613700137000'] },
      [
        'additional_phones[0] was not imported: is masked: the platform it was exported from hides its characters (got "139****9000")',
      ],
    ],
  ])('%s: imported without it, with a warning', (_label, input, patch, warnings) => {
    expect(validateRow({ id: null, input }, normalize)).toMatchObject({ ok: true, patch, warnings });
  });

  it('fails a row whose only identifier is masked, saying so', () => {
    expect(validateRow({ id: null, input: { phone: '138****8004', name: '张三' } }, normalize)).toEqual({
      ok: false,
      reason:
        'the row has no id, identity, phone or email, so it can be neither matched nor created; phone: is masked: the platform it was exported from hides its characters (got "138****8004")',
    });
  });

  it("names the row's region when its phone is not valid there", () => {
    expect(
      validateRow({ id: null, input: { phone: '(415) 555-0100', country: 'Japan' } }, normalize),
    ).toMatchObject({ ok: false, reason: expect.stringContaining('in region JP') });
  });

  it.each(['未知', '保密', 'unknown', 'N/A'])(
    'gender %j is no value: no warning, nothing written',
    (gender) => {
      const v = validateRow({ id: null, input: { email: 'd@example.com', gender } }, normalize);
      expect(v).toMatchObject({ ok: true, warnings: [] });
      if (v.ok) expect(v.patch.scalars).not.toHaveProperty('gender');
    },
  );

  it.each([
    [
      'an invalid email',
      { email: 'not-an-email', gender: 'Agender' },
      /^email: is not a valid email address/,
    ],
    ['an invalid phone', { phone: '12345', name: 'Bad' }, /^phone: is not a valid phone number/],
    [
      'an invalid additional email beside a good one',
      { email: 'e@example.com', additional_emails: 'nope' },
      /^additional_emails\[0\]: is not a valid email address/,
    ],
    [
      'an identity value too long',
      { identities: { member_no: 'M'.repeat(256) } },
      /^identities\.member_no: is longer than 255 characters/,
    ],
    [
      'no identifier at all',
      { name: 'Nobody', gender: 'Agender' },
      /^the row has no id, identity, phone or email, .*; gender was not imported: must be one of male, female, other \(got "Agender"\)$/,
    ],
    ['only a gender', { gender: '男' }, /^the row has no id, identity, phone or email/],
  ])('%s still fails the row, naming every problem', (_label, input, reason) => {
    expect(validateRow({ id: null, input }, normalize)).toEqual({
      ok: false,
      reason: expect.stringMatching(reason),
    });
  });

  it('names the other invalid fields too when an identifier fails, so one fix does it', () => {
    expect(validateRow({ id: null, input: { email: 'bad', gender: 'Agender' } }, normalize)).toEqual({
      ok: false,
      reason:
        'email: is not a valid email address (got "bad"); gender was not imported: must be one of male, female, other (got "Agender")',
    });
  });
});

describe(`import warnings on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
    await kith.attributes.create({ key: 'vip', type: 'boolean' }, ADMIN);
  });
  afterAll(async () => kith.destroy());

  const readWarningRows = async (id: string) => {
    const bytes = fs.readFileSync(await kith.imports.warningFile(id));
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    return parse(bytes.toString('utf8').replace(/^\uFEFF/, ''), { relax_column_count: true }) as string[][];
  };

  it.each(['customers-en.csv', 'customers-zh.csv'])(
    'imports the web wizard’s sample template %s as it ships, after the other one into the same store: two new customers, nothing left out',
    async (name) => {
      const template = fs.readFileSync(
        new URL(`../../web/src/features/imports/templates/${name}`, import.meta.url),
      );
      const r = await runImport(kith, fixture(name, template));
      expect(r).toMatchObject({ status: 'completed', rows: 2, created: 2, failed: 0, warned: 0 });
    },
  );

  it("imports Chatwoot's sample row with gender Agender, without the gender, and reports it", async () => {
    const existing = await kith.contacts.create(
      { name: 'Kept', email: 'kept@example.com', birthday: '1980-02-03', gender: 'female' },
      ADMIN,
    );
    const file = fixture(
      'chatwoot-sample.csv',
      stringify([
        ['name', 'email', 'phone_number', 'gender', 'birthday', 'vip'],
        ['Agender Person', 'agender@example.com', '+14155550100', 'Agender', '1991-04-05', 'yes'],
        ['Kept', 'kept@example.com', '', 'Agender', '1990-13-01', ''],
        ['Unknown', 'unknown@example.com', '', '未知', '', ''],
        ['No Key', '', '', 'Agender', '', ''],
        ['Bad Email', 'bad-email', '', 'male', '', ''],
        ['Typed', 'typed@example.com', '', '男', '', 'maybe'],
        ['=HYPERLINK("x")', 'formula@example.com', '', 'Agender', '', ''],
      ]),
    );
    const r = await runImport(kith, file);
    expect(r).toMatchObject({
      status: 'completed',
      rows: 7,
      created: 4,
      updated: 0,
      unchanged: 1, // Kept: nothing valid to change, two values left out
      failed: 2,
      warned: 4,
    });
    honest(r);

    const agender = (await kith.contacts.list({ q: 'agender@example.com' })).data[0]!;
    expect(agender).toMatchObject({ name: 'Agender Person', gender: null, birthday: '1991-04-05' });
    expect(agender.attributes).toEqual({ vip: true });
    // An existing contact keeps what the file's invalid values would have replaced.
    expect(await kith.contacts.get(existing.id)).toMatchObject({ gender: 'female', birthday: '1980-02-03' });
    expect((await kith.contacts.list({ q: 'unknown@example.com' })).data[0]?.gender).toBeNull();
    expect((await kith.contacts.list({ q: 'typed@example.com' })).data[0]).toMatchObject({
      gender: 'male',
      attributes: {},
    });

    const failures = await readFailureReasons(kith, r.id);
    expect(failures).toContain(
      'row 5: the row has no id, identity, phone or email, so it can be neither matched nor created; gender was not imported: must be one of male, female, other (got "Agender")',
    );
    expect(failures).toContain('row 6: email: is not a valid email address (got "bad-email")');

    const [header, ...rows] = await readWarningRows(r.id);
    expect(header).toEqual(['name', 'email', 'phone_number', 'gender', 'birthday', 'vip', 'warning']);
    expect(rows).toEqual([
      [
        'Agender Person',
        'agender@example.com',
        "'+14155550100",
        'Agender',
        '1991-04-05',
        'yes',
        'row 2: gender was not imported: must be one of male, female, other (got "Agender")',
      ],
      [
        'Kept',
        'kept@example.com',
        '',
        'Agender',
        '1990-13-01',
        '',
        'row 3: gender was not imported: must be one of male, female, other (got "Agender"); birthday was not imported: is not a real calendar date (got "1990-13-01")',
      ],
      [
        'Typed',
        'typed@example.com',
        '',
        '男',
        '',
        'maybe',
        expect.stringMatching(/^row 7: attributes\.vip was not imported: .*\(got "maybe"\)$/),
      ],
      // Formula-safe like the failure file: Excel shows the cell, it does not run it.
      [
        `'=HYPERLINK("x")`,
        'formula@example.com',
        '',
        'Agender',
        '',
        '',
        'row 8: gender was not imported: must be one of male, female, other (got "Agender")',
      ],
    ]);
  });

  it('imports a phone written with a Chinese extension or words beside it as its number, with a warning', async () => {
    const file = fixture(
      'phone-words.csv',
      stringify([
        ['姓名', '电话'],
        ['前台', '0571-87654321 转 801'],
        ['王老板', '137 1234 5670 老板'],
        ['李四', '13612345671'],
      ]),
    );
    const r = await runImport(kith, file);
    // Before, the row of 转 801 failed as no phone number at all.
    expect(r).toMatchObject({ status: 'completed', rows: 3, created: 3, failed: 0, warned: 2 });
    honest(r);
    expect((await kith.contacts.list({ q: '057187654321' })).data[0]).toMatchObject({
      name: '前台',
      phone: '+8657187654321',
    });
    const [, ...rows] = await readWarningRows(r.id);
    expect(rows).toEqual([
      [
        '前台',
        '0571-87654321 转 801',
        'row 2: phone: kept without its extension, which a phone in international form (E.164) cannot hold (got "0571-87654321 转 801")',
      ],
      [
        '王老板',
        '137 1234 5670 老板',
        'row 3: phone: kept as the number only, without the words beside it (got "137 1234 5670 老板")',
      ],
    ]);
  });

  it('reports the same warnings on a dry run, writing nothing', async () => {
    const file = fixture(
      'dry-warn.csv',
      'email,gender\ndry-warn@example.com,Agender\ndry-ok@example.com,F\n',
    );
    const dry = await runImport(kith, file, { dryRun: true });
    expect(dry).toMatchObject({ dry_run: true, rows: 2, created: 2, failed: 0, warned: 1 });
    expect((await kith.contacts.list({ q: 'dry-warn@example.com' })).data).toHaveLength(0);
    expect((await readWarningRows(dry.id)).slice(1).map((row) => row.at(-1))).toEqual([
      'row 2: gender was not imported: must be one of male, female, other (got "Agender")',
    ]);
  });

  it('counts an unchanged row with a warning, and re-imports a fixed warnings file', async () => {
    const first = await runImport(
      kith,
      fixture('again.csv', 'email,name,gender\nagain@example.com,Again,Agender\n'),
    );
    expect(first).toMatchObject({ created: 1, warned: 1 });
    const second = await runImport(
      kith,
      fixture('again2.csv', 'email,name,gender\nagain@example.com,Again,Agender\n'),
    );
    expect(second).toMatchObject({ rows: 1, unchanged: 1, warned: 1 });
    honest(second);
    // The warnings file, fixed and imported again: its warning column is ignored, without a warning of
    // its own (a column left out exactly as it should be is nothing to warn of).
    const fixed = (await readWarningRows(second.id)).map((row) =>
      row.map((c) => (c === 'Agender' ? 'other' : c)),
    );
    const third = await runImport(kith, fixture('fixed.csv', stringify(fixed)));
    expect(third).toMatchObject({ rows: 1, updated: 1, warned: 0, failed: 0 });
    expect(third.warnings).toEqual([]);
    expect((await kith.contacts.list({ q: 'again@example.com' })).data[0]?.gender).toBe('other');
  });

  it('writes an empty warnings file (header only) when nothing was left out', async () => {
    const r = await runImport(kith, fixture('clean.csv', 'email,gender\nclean@example.com,女士\n'));
    expect(r).toMatchObject({ created: 1, warned: 0 });
    expect(await readWarningRows(r.id)).toEqual([['email', 'gender', 'warning']]);
  });
});
