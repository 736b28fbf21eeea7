/**
 * A phone or e-mail several people of one file share (a company's switchboard in a Salesforce or
 * HubSpot export, a household's mailbox) is left out of the rows a more personal value of their own
 * tells apart, with a warning; a row with nothing else still fails as an in-file duplicate.
 */
import fs from 'node:fs';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OnFileDuplicate } from '../../src/imports/import-settings.js';
import { InFileDuplicateIndex } from '../../src/imports/validate/in-file-duplicates.js';
import {
  type LeftOutKey,
  type ValidatedRow,
  withoutSharedValues,
} from '../../src/imports/validate/row-validation.js';
import { ADMIN, fixture, readFailureReasons, runImport } from '../support/import-helpers.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const SWITCHBOARD = 'phone\u0000+14155550100';
const INFO = 'email\u0000info@acme.com';

describe('InFileDuplicateIndex: shared values told apart', () => {
  it.each<[string, OnFileDuplicate, [number, string[]][], [number, string][], [number, LeftOutKey[]][]]>([
    [
      'a switchboard on three people with their own e-mails and one row with the phone alone',
      'reject',
      [
        [2, ['email\u0000alice@acme.com', SWITCHBOARD]],
        [3, ['email\u0000bob@acme.com', SWITCHBOARD]],
        [4, [SWITCHBOARD]],
      ],
      [[4, 'the same phone "+14155550100" is also on rows 2, 3 of this file']],
      [
        [2, [{ kind: 'phone', value: '+14155550100', others: [3, 4] }]],
        [3, [{ kind: 'phone', value: '+14155550100', others: [2, 4] }]],
      ],
    ],
    [
      'people told apart by their external ids (identity) share a phone and an info@ mailbox',
      'reject',
      [
        [2, ['identity\u0000external_id\u00000031', SWITCHBOARD, INFO]],
        [3, ['identity\u0000external_id\u00000032', SWITCHBOARD, INFO]],
      ],
      [],
      [
        [
          2,
          [
            { kind: 'email', value: 'info@acme.com', others: [3] },
            { kind: 'phone', value: '+14155550100', others: [3] },
          ],
        ],
        [
          3,
          [
            { kind: 'email', value: 'info@acme.com', others: [2] },
            { kind: 'phone', value: '+14155550100', others: [2] },
          ],
        ],
      ],
    ],
    [
      'one e-mail with different phones is one person twice: a phone does not tell an e-mail apart',
      'reject',
      [
        [2, [INFO, 'phone\u0000+14155550101']],
        [3, [INFO, 'phone\u0000+14155550102']],
      ],
      [
        [2, 'the same email "info@acme.com" is also on row 3 of this file'],
        [3, 'the same email "info@acme.com" is also on row 2 of this file'],
      ],
      [],
    ],
    [
      'rows sharing the phone and the e-mail are one customer twice',
      'reject',
      [
        [2, ['email\u0000a@acme.com', SWITCHBOARD]],
        [3, ['email\u0000a@acme.com', SWITCHBOARD]],
      ],
      [
        [2, 'the same email "a@acme.com", phone "+14155550100" is also on row 3 of this file'],
        [3, 'the same email "a@acme.com", phone "+14155550100" is also on row 2 of this file'],
      ],
      [],
    ],
    [
      'with last, the row with the phone alone is the last holding it even before later told-apart rows',
      'last',
      [
        [2, [SWITCHBOARD]],
        [3, ['email\u0000alice@acme.com', SWITCHBOARD]],
        [4, [SWITCHBOARD]],
        [5, ['email\u0000bob@acme.com', SWITCHBOARD]],
      ],
      [[2, 'superseded by row 4, which has the same phone "+14155550100"']],
      [
        [3, [{ kind: 'phone', value: '+14155550100', others: [2, 4, 5] }]],
        [5, [{ kind: 'phone', value: '+14155550100', others: [2, 3, 4] }]],
      ],
    ],
  ])('%s', (_, policy, rows, failed, leftOut) => {
    const index = new InFileDuplicateIndex(':memory:');
    for (const [row, keys] of rows) index.add(row, keys);
    index.settle(policy);
    const numbers = rows.map(([row]) => row);
    expect(index.reasonsFor(numbers)).toEqual(new Map(failed));
    expect(index.leftOutFor(numbers)).toEqual(new Map(leftOut));
    index.close();
  });
});

describe('withoutSharedValues', () => {
  const row = (patch: Extract<ValidatedRow, { ok: true }>['patch']): Extract<ValidatedRow, { ok: true }> => ({
    ok: true,
    id: null,
    patch,
    keys: { id: null, identities: {}, phones: [], emails: [] },
    warnings: [],
  });
  const switchboard: LeftOutKey = { kind: 'phone', value: '+14155550100', others: [3, 4] };

  it.each<[string, Extract<ValidatedRow, { ok: true }>['patch'], LeftOutKey[], unknown]>([
    [
      "Salesforce's Phone (the switchboard) with the person's e-mail",
      { scalars: { name: 'Alice' }, email: 'alice@acme.com', phone: '+14155550100' },
      [switchboard],
      {
        ok: true,
        patch: { scalars: { name: 'Alice' }, email: 'alice@acme.com' },
        keys: { phones: [], emails: ['alice@acme.com'] },
        warnings: [
          'phone was not imported: is also on rows 3, 4 of this file: a shared line (a company switchboard) identifies none of them, so the row is matched by its own values (got "+14155550100")',
        ],
      },
    ],
    [
      "the switchboard in Phone, the person's MobilePhone an additional phone: the mobile becomes the phone",
      { scalars: {}, email: 'bob@acme.com', phone: '+14155550100', additional_phones: ['+14155550111'] },
      [{ ...switchboard, others: [2] }],
      {
        ok: true,
        patch: { scalars: {}, email: 'bob@acme.com', phone: '+14155550111', additional_phones: [] },
        keys: { phones: ['+14155550111'], emails: ['bob@acme.com'] },
        warnings: [expect.stringMatching(/^phone was not imported: is also on row 2 of this file: /)],
      },
    ],
    [
      'the switchboard as the second phone',
      { scalars: {}, email: 'c@acme.com', phone: '+14155550111', additional_phones: ['+14155550100'] },
      [switchboard],
      {
        ok: true,
        patch: { scalars: {}, email: 'c@acme.com', phone: '+14155550111', additional_phones: [] },
        warnings: [expect.stringMatching(/^additional_phones\[0\] was not imported: is also on rows 3, 4/)],
      },
    ],
    [
      'an info@ mailbox on rows told apart by their external ids',
      { scalars: {}, email: 'info@acme.com', identities: { external_id: '0031' } },
      [{ kind: 'email', value: 'info@acme.com', others: [3] }],
      {
        ok: true,
        patch: { scalars: {}, identities: { external_id: '0031' } },
        keys: { identities: { external_id: '0031' }, emails: [] },
        warnings: [
          expect.stringMatching(
            /^email was not imported: .*a shared mailbox \(info@…\) .*\(got "info@acme.com"\)$/,
          ),
        ],
      },
    ],
    [
      'nothing left to identify the row by (its e-mail was masked on pass 2): it fails as a duplicate',
      { scalars: {}, phone: '+14155550100' },
      [switchboard],
      { ok: false, reason: 'the same phone "+14155550100" is also on rows 3, 4 of this file' },
    ],
  ])('%s', (_, patch, leftOut, expected) => {
    expect(withoutSharedValues(row(patch), leftOut)).toMatchObject(expected as object);
  });
});

describe(`a shared switchboard phone in a CRM export on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  it('imports the people their e-mails tell apart without the phone, dry run and run alike, even when a contact holds it', async () => {
    const owner = await kith.contacts.create({ name: 'Front desk', phone: '+1 415 555 0100' }, ADMIN);
    const file = fixture(
      'salesforce-contacts.csv',
      stringify([
        ['First Name', 'Last Name', 'Email', 'Phone', 'Mobile', 'Account Name'],
        ['Alice', 'Wong', 'alice@acme.com', '(415) 555-0100', '', 'Acme'],
        ['Bob', 'Lee', 'bob@acme.com', '(415) 555-0100', '(415) 555-0111', 'Acme'],
        ['Dan', 'Ho', '', '(415) 555-0100', '', 'Acme'],
        ['Eve', 'Ng', 'eve@globex.com', '(212) 555-0199', '', 'Globex'],
      ]),
    );
    const dry = await runImport(kith, file, { region: 'US', dryRun: true });
    const run = await runImport(kith, file, { region: 'US' });
    for (const r of [dry, run])
      expect(r).toMatchObject({ status: 'completed', rows: 4, created: 3, failed: 1, warned: 2 });
    expect(await readFailureReasons(kith, run.id)).toBe(
      'row 4: the same phone "+14155550100" is also on rows 2, 3 of this file',
    );
    const warnings = parse(
      fs.readFileSync(await kith.imports.warningFile(run.id), 'utf8').replace(/^\uFEFF/, ''),
      {
        relax_column_count: true,
      },
    ) as string[][];
    expect(warnings.slice(1).map((w) => w.at(-1))).toEqual([
      'row 2: phone was not imported: is also on rows 3, 4 of this file: a shared line (a company switchboard) identifies none of them, so the row is matched by its own values (got "+14155550100")',
      'row 3: phone was not imported: is also on rows 2, 4 of this file: a shared line (a company switchboard) identifies none of them, so the row is matched by its own values (got "+14155550100")',
    ]);
    const bob = (await kith.contacts.list({ q: 'bob@acme.com' })).data[0]!;
    expect(bob).toMatchObject({ phone: '+14155550111' });
    expect((await kith.contacts.get(owner.id)).phone).toBe('+14155550100');
  });
});
