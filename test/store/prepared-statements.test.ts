/**
 * PostgreSQL: the list's read connections send a statement text asked again and again as a named
 * prepared statement (prepareRepeatedStatements in src/store/database.ts), and answer the same rows
 * whether a text is prepared or not. On SQLite the read threads prepare every statement already.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

describe.skipIf(TEST_DIALECT !== 'postgres')('prepared statements of the list on PostgreSQL', () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
    for (const name of ['Ada', 'Bea', 'Cy', '王伟'])
      await kith.contacts.create({ name, tags: ['vip'] }, SYSTEM_ACTOR);
  });
  afterAll(async () => kith.destroy());

  it('prepares a page asked three times, and it answers as before', async () => {
    const prepared = async () =>
      (
        await sql<{
          name: string;
          statement: string;
        }>`select name, statement from pg_prepared_statements`.execute(kith.store.reader('light'))
      ).rows.filter((r) => r.name.startsWith('kith_'));
    expect(await prepared()).toEqual([]);
    const pages = [];
    // One at a time: the pool hands the same idle connection back.
    for (let i = 0; i < 5; i++) pages.push(await kith.contacts.listJson({ sort: 'name', limit: 3 }));
    const named = await prepared();
    expect(named.length).toBeGreaterThan(0);
    expect(named.some((r) => /json_build_object/.test(r.statement))).toBe(true);
    for (const page of pages.slice(1)) expect(page).toEqual(pages[0]);
    expect(pages[0]!.data.map((c) => (JSON.parse(c.json) as { name: string }).name)).toEqual([
      'Ada',
      'Bea',
      'Cy',
    ]);
    // Another parameter to the same prepared text: the next page.
    const next = await kith.contacts.listJson({ sort: 'name', limit: 3, cursor: pages[0]!.next_cursor! });
    expect(next.data.map((c) => (JSON.parse(c.json) as { name: string }).name)).toEqual(['王伟']);
  });
});
