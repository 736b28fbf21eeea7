/**
 * What a scan reads (`readDedupeValues`), on a real store (SQLite through its row reader and through
 * Kysely, or PostgreSQL with KITH_TEST_DATABASE_URL): every live contact once, in id order, and each
 * contact's e-mails and phones in position order — the primary first — even where the rows' own order
 * says otherwise.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import type { FieldRule } from '../../src/dedupe/model/matching-rules.js';
import { readDedupeValues } from '../../src/dedupe/scan/load-dedupe-input.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const FIELDS: FieldRule[] = [
  { field: 'name', comparator: 'name' },
  { field: 'email', comparator: 'email' },
  { field: 'phone', comparator: 'phone' },
];

describe(`the values a duplicate scan reads on ${TEST_DIALECT}`, () => {
  let kith: TestKith;

  beforeAll(async () => {
    kith = await createTestKith();
    await kith.contacts.create(
      {
        name: 'Several',
        email: 'a@example.com',
        additional_emails: ['b@example.com', 'c@example.com'],
        phone: '+8613800138000',
        additional_phones: ['+8613900139000'],
      },
      SYSTEM_ACTOR,
    );
    await kith.contacts.create({ name: 'One', email: 'one@example.com' }, SYSTEM_ACTOR);
    const gone = await kith.contacts.create({ name: 'Gone', email: 'gone@example.com' }, SYSTEM_ACTOR);
    await kith.contacts.delete(gone.id, SYSTEM_ACTOR);
    await kith.contacts.create({ name: 'No keys' }, SYSTEM_ACTOR);
    // The rows' order no longer says which comes first: c is now the primary e-mail, the second phone
    // the primary phone.
    // (Writers keep the primary at position 0.)
    await sql`update contact_emails set position = case value
        when 'c@example.com' then 0 when 'a@example.com' then 1 when 'b@example.com' then 2 else position end,
        is_primary = case value when 'c@example.com' then 1 when 'a@example.com' then 0 else is_primary end`.execute(
      kith.store.db,
    );
    await sql`update contact_phones set position = case value
        when '+8613900139000' then 0 when '+8613800138000' then 1 else position end,
        is_primary = case value when '+8613900139000' then 1 when '+8613800138000' then 0 else is_primary end`.execute(
      kith.store.db,
    );
  }, 60_000);
  afterAll(async () => kith.destroy());

  it('reads each live contact once with its values in position order, through either path', async () => {
    const expected = (await kith.contacts.list({ sort: 'created_at', limit: 10 })).data
      .map((c) => ({
        id: c.id,
        name: c.name,
        emails: [c.email, ...c.additional_emails].filter((v): v is string => v !== null),
        phones: [c.phone, ...c.additional_phones].filter((v): v is string => v !== null),
      }))
      .sort((x, y) => (x.id < y.id ? -1 : 1));
    // The contacts' own loader says c first, then a and b; the second phone first.
    expect(expected.find((c) => c.name === 'Several')).toMatchObject({
      emails: ['c@example.com', 'a@example.com', 'b@example.com'],
      phones: ['+8613900139000', '+8613800138000'],
    });
    // PostgreSQL has no row reader: Kysely only.
    const paths = [['the row reader', kith.store.rowReader] as const, ['Kysely', null] as const];
    for (const [how, reader] of paths) {
      if (how === 'the row reader' && reader === null) continue;
      const got = new Map<number, { name: string[]; email: string[]; phone: string[] }>();
      const { ids } = await readDedupeValues(kith.store.db, FIELDS, reader, (field, record, raw) => {
        const values = got.get(record) ?? { name: [], email: [], phone: [] };
        values[FIELDS[field]!.field as 'name' | 'email' | 'phone'].push(raw);
        got.set(record, values);
      });
      expect(ids, how).toEqual(expected.map((c) => c.id));
      expect(
        ids.map((_, i) => got.get(i) ?? { name: [], email: [], phone: [] }),
        how,
      ).toEqual(expected.map((c) => ({ name: [c.name], email: c.emails, phone: c.phones })));
    }
  });
});
