import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrator.js';
import * as contactAttributesInContactRow from '../../src/store/migrations/0006-contact-attributes-in-contact-row.js';
import * as contactAttributeSearch from '../../src/store/migrations/0027-contact-attribute-search.js';
import * as rebandedDuplicatePairs from '../../src/store/migrations/0032-rebanded-duplicate-pairs.js';
import { loadContacts } from '../../src/contacts/contact-repository.js';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/test-kith.js';

describe(`migrations on ${TEST_DIALECT}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.drop());

  it('apply once, then are idempotent, also from two processes at once', async () => {
    const [a, b] = [openStore(database.config), openStore(database.config)];
    try {
      const [ra, rb] = await Promise.all([migrateToLatest(a), migrateToLatest(b)]);
      expect([...ra.applied, ...rb.applied]).toEqual([
        '0001-contacts-and-users',
        '0002-imports-and-jobs',
        '0003-duplicates-and-merges',
        '0004-conversations-and-automation',
        '0005-webhooks',
        '0006-contact-attributes-in-contact-row',
        '0007-sign-in-throttle',
        '0008-user-language-and-audit-indexes',
        '0009-contact-search',
        '0010-import-warnings',
        '0011-contact-change-log',
        '0012-orders',
        '0013-idempotency-keys',
        '0014-duplicate-review-indexes',
        '0015-sync-connections',
        '0016-conversation-stream',
        '0018-job-progress',
        '0019-saved-import-mappings',
        '0020-user-invites',
        '0021-purchase-fact-sort-indexes',
        '0022-export-files-and-sync-pause',
        '0023-tag-counts-by-writers',
        '0024-compact-duplicate-pairs',
        '0026-contact-attribute-index',
        '0027-contact-attribute-search',
        '0028-webhook-secret-sealed',
        '0029-job-takeovers',
        '0030-session-devices',
        '0031-job-abandoned',
        '0032-rebanded-duplicate-pairs',
        '0033-dry-run-imported-for-real',
        '0034-one-pending-invite-per-email',
        '0035-import-files-deleted',
        '0036-export-deleted',
        '0037-deleted-files-reasons',
      ]);
      expect((await migrateToLatest(a)).applied).toEqual([]);
      const types = await a.db.selectFrom('identity_types').select('key').execute();
      expect(types.map((t) => t.key)).toEqual(['external_id']);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('0032 sends every open match pair to review, and leaves decided pairs as they were', async () => {
    const store = openStore(database.config);
    try {
      await migrateToLatest(store);
      const db = store.db as any;
      const pair = (id: number, band: number, status: number) => ({
        id,
        contact_a: `ct_m32a${id}`,
        contact_b: `ct_m32b${id}`,
        a_key: id,
        b_key: id,
        score: 990_000,
        band,
        explanation: '',
        cluster: null,
        status,
        scan: 1,
        decided_at: null,
        decided_by: null,
      });
      // open match, open review, a match pair a person marked not a duplicate.
      await db
        .insertInto('duplicate_pairs')
        .values([pair(93201, 0, 0), pair(93202, 1, 0), pair(93203, 0, 1)])
        .execute();
      await rebandedDuplicatePairs.up(db);
      const rows = await db
        .selectFrom('duplicate_pairs')
        .select(['id', 'band', 'status'])
        .where('id', 'in', [93201, 93202, 93203])
        .orderBy('id')
        .execute();
      expect(
        rows.map((r: { id: number; band: number; status: number }) => [
          Number(r.id),
          Number(r.band),
          Number(r.status),
        ]),
      ).toEqual([
        [93201, 1, 0],
        [93202, 1, 0],
        [93203, 0, 1],
      ]);
      await db.deleteFrom('duplicate_pairs').where('id', 'in', [93201, 93202, 93203]).execute();
    } finally {
      await store.close();
    }
  });

  it('0006 moves every attribute value into the contact row and back, typed values intact', async () => {
    const store = openStore(database.config);
    try {
      await migrateToLatest(store);
      const db = store.db as any;
      // 0027's triggers read the column 0006 adds: undone first, and done again at the end.
      await contactAttributeSearch.down(db);
      await contactAttributesInContactRow.down(db);
      const at = new Date().toISOString();
      for (const [key, type] of [
        ['tier', 'list'],
        ['points', 'number'],
        ['vip', 'boolean'],
        ['note', 'text'],
      ])
        await db
          .insertInto('attribute_definitions')
          .values({ key, label: key, type, created_at: at, updated_at: at })
          .onConflict((oc: any) => oc.column('key').doNothing())
          .execute();
      for (const id of ['ct_m6a', 'ct_m6b', 'ct_m6c'])
        await db.insertInto('contacts').values({ id, created_at: at, updated_at: at }).execute();
      await db
        .insertInto('contact_attributes')
        .values([
          { contact_id: 'ct_m6a', key: 'vip', value: 'true' },
          { contact_id: 'ct_m6a', key: 'tier', value: '"Gold"' },
          { contact_id: 'ct_m6a', key: 'points', value: '12.5' },
          { contact_id: 'ct_m6b', key: 'note', value: JSON.stringify('说 "hi"\nthere') },
          { contact_id: 'ct_m6b', key: 'vip', value: 'false' },
        ])
        .execute();

      await contactAttributesInContactRow.up(db);
      const contacts = await loadContacts(store.db, ['ct_m6a', 'ct_m6b', 'ct_m6c']);
      expect(contacts.get('ct_m6a')!.attributes).toEqual({ points: 12.5, tier: 'Gold', vip: true });
      expect(Object.keys(contacts.get('ct_m6a')!.attributes)).toEqual(['points', 'tier', 'vip']);
      expect(contacts.get('ct_m6b')!.attributes).toEqual({ note: '说 "hi"\nthere', vip: false });
      expect(contacts.get('ct_m6c')!.attributes).toEqual({});

      await contactAttributesInContactRow.down(db);
      const rows = await db
        .selectFrom('contact_attributes')
        .select(['contact_id', 'key', 'value'])
        .orderBy('contact_id')
        .orderBy('key')
        .execute();
      expect(rows).toEqual([
        { contact_id: 'ct_m6a', key: 'points', value: '12.5' },
        { contact_id: 'ct_m6a', key: 'tier', value: '"Gold"' },
        { contact_id: 'ct_m6a', key: 'vip', value: 'true' },
        { contact_id: 'ct_m6b', key: 'note', value: JSON.stringify('说 "hi"\nthere') },
        { contact_id: 'ct_m6b', key: 'vip', value: 'false' },
      ]);
      await contactAttributesInContactRow.up(db);
      await contactAttributeSearch.up(db);
    } finally {
      await store.close();
    }
  });
});
