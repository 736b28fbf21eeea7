import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/actor.js';
import { kyselyRowWriter, type RowWriter } from '../../src/store/row-writer.js';
import type { Queryable } from '../../src/store/transaction.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const actor: Actor = { userId: null, channel: 'api' };

// Values that break naive SQL or JSON building, and integers stored in integer columns.
const AWKWARD = [
  'O\'Brien "quoted"',
  'back\\slash \\ud800',
  'line\nbreak\ttab',
  '张伟 😀',
  '',
  '{"json":1}',
  // A lone surrogate (a JSON body may carry one): no UTF-8 text can hold it, so no writer may fail on
  // it, and each stores replacement characters in its place (one on PostgreSQL, three on SQLite).
  'half \ud83d pair',
  'last',
];
const storedAs = (text: string) =>
  text.includes('\ud83d')
    ? expect.stringMatching(new RegExp(`^${text.replace('\ud83d', '\ufffd+')}$`))
    : text;

describe(`row writers on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  let contactId: string;
  beforeAll(async () => {
    kith = await createTestKith();
    contactId = (await kith.contacts.create({ name: 'Owner' }, actor)).id;
  });
  afterAll(async () => kith.destroy());

  const writers: [string, (db: Queryable) => RowWriter][] = [
    ['the store', (db) => kith.store.rowWriter(db)],
    ['Kysely', kyselyRowWriter],
  ];

  for (const [name, writerOf] of writers) {
    it(`inserts, updates and deletes rows exactly through ${name}`, async () => {
      const prefix = name === 'Kysely' ? 'k' : 's';
      const events = AWKWARD.map((text, i) => ({
        id: `${prefix}ev${i}`,
        contact_id: contactId,
        type: 'note',
        occurred_at: `2026-01-0${i + 1}T00:00:00.000Z`,
        channel: 'api',
        // Left out of the odd rows: null there.
        ...(i % 2 === 0 ? { data: text, channel_ref: `ref ${text}` } : {}),
      }));
      const emails = [0, 1, 2].map((position) => ({
        id: `${prefix}em${position}`,
        contact_id: contactId,
        value: `${prefix}${position}@example.com`,
        is_primary: position === 0 ? 1 : 0,
        position,
        deleted_at: null,
      }));
      await kith.store.db.transaction().execute(async (trx) => {
        const writer = writerOf(trx);
        await writer.insert('contact_events', events);
        await writer.insert('contact_emails', emails);
      });
      const eventRows = () =>
        kith.store.db
          .selectFrom('contact_events')
          .select(['id', 'data', 'channel_ref', 'actor_id'])
          .where('id', 'like', `${prefix}ev%`)
          .orderBy('id')
          .execute();
      expect(await eventRows()).toEqual(
        AWKWARD.map((text, i) => ({
          id: `${prefix}ev${i}`,
          data: i % 2 === 0 ? storedAs(text) : null,
          channel_ref: i % 2 === 0 ? storedAs(`ref ${text}`) : null,
          actor_id: null,
        })),
      );

      await kith.store.db.transaction().execute(async (trx) => {
        const writer = writerOf(trx);
        await writer.update('contact_events', [
          { where: { id: `${prefix}ev1` }, set: { data: AWKWARD[3] } },
          { where: { id: `${prefix}ev0` }, set: { data: 'first', channel_ref: null } },
          // The same row again, setting what the first update of this list set: the later one wins.
          { where: { id: `${prefix}ev0` }, set: { data: 'second' } },
        ]);
        await writer.update('contact_emails', [
          { where: { id: `${prefix}em1` }, set: { position: 7 } },
          { where: { id: `${prefix}em2` }, set: { position: 8, is_primary: 1 } },
        ]);
      });
      const updated = await eventRows();
      expect(updated[0]).toEqual({ id: `${prefix}ev0`, data: 'second', channel_ref: null, actor_id: null });
      expect(updated[1]!.data).toBe(AWKWARD[3]);
      expect(updated[2]!.data).toBe(AWKWARD[2]);

      await kith.store.db.transaction().execute(async (trx) => {
        const writer = writerOf(trx);
        await writer.delete('contact_events', ['id'], [[`${prefix}ev2`], [`${prefix}ev3`], ['no such id']]);
        await writer.delete(
          'contact_emails',
          ['contact_id', 'position'],
          [
            [contactId, 7],
            ['other', 8],
          ],
        );
      });
      expect((await eventRows()).map((r) => r.id)).toEqual(
        AWKWARD.flatMap((_, i) => (i === 2 || i === 3 ? [] : [`${prefix}ev${i}`])),
      );
      expect(
        await kith.store.db
          .selectFrom('contact_emails')
          .select(['id', 'is_primary', 'position'])
          .where('id', 'like', `${prefix}em%`)
          .orderBy('id')
          .execute(),
      ).toEqual([
        { id: `${prefix}em0`, is_primary: 1, position: 0 },
        { id: `${prefix}em2`, is_primary: 1, position: 8 },
      ]);
    });
  }
});
