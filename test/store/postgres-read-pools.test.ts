/**
 * PostgreSQL's read pools (src/store/database.ts): a pooled connection serves any number of requests
 * at the same cost, and the light lane sends a statement text asked again and again as a named
 * prepared statement (prepareRepeatedStatements), answering the same rows whether a text is prepared or
 * not. On SQLite the read threads prepare every statement already.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { QueryTimeoutError } from '../../src/store/query-timeout.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

describe.skipIf(TEST_DIALECT !== 'postgres')('the list read pools on PostgreSQL', () => {
  let kith: TestKith;
  beforeAll(async () => {
    // A short time limit: the last query of the first test must be stopped by it.
    kith = await createTestKith({ KITH_QUERY_TIMEOUT_MS: '1500' });
    for (const name of ['Ada', 'Bea', 'Cy', '王伟'])
      await kith.contacts.create({ name, tags: ['vip'] }, SYSTEM_ACTOR);
  });
  afterAll(async () => kith.destroy());

  it('serves the 12,000th query of a connection as its first (its time limit is wrapped around it once)', async () => {
    // One at a time, so the pool hands the same connection back each time. Wrapped anew on every
    // acquire, the 12,000th query went through 12,000 nested calls and overflowed the stack.
    const reader = kith.store.reader('light');
    for (let i = 0; i < 12_000; i++) await sql`select 1 as one`.execute(reader);
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(reader);
    expect(rows).toEqual([{ one: 1 }]);
    await expect(sql`select pg_sleep(5)`.execute(reader)).rejects.toBeInstanceOf(QueryTimeoutError);
  }, 120_000);

  it('prepares a page asked three times, and it answers as before', async () => {
    const prepared = async () =>
      (
        await sql<{
          name: string;
          statement: string;
        }>`select name, statement from pg_prepared_statements`.execute(kith.store.reader('light'))
      ).rows.filter((r) => r.name.startsWith('kith_'));
    const pageStatements = (rows: { statement: string }[]) =>
      rows.filter((r) => /json_build_object/.test(r.statement));
    expect(pageStatements(await prepared())).toEqual([]);
    const pages = [];
    // One at a time: the pool hands the same idle connection back.
    for (let i = 0; i < 5; i++) pages.push(await kith.contacts.listJson({ sort: 'name', limit: 3 }));
    const named = await prepared();
    expect(pageStatements(named).length).toBeGreaterThan(0);
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

  it("goes on after the server ends its idle connections (a restart, a failover): the process isn't brought down", async () => {
    // The server drops this store's idle connections (one per pool; other test files share the server).
    const pids: number[] = [];
    for (const db of [kith.store.db, kith.store.reader('light'), kith.store.reader('heavy')])
      pids.push((await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0]!.pid);
    const { Client } = (await import('pg')).default;
    const admin = new Client({ connectionString: process.env.KITH_TEST_DATABASE_URL });
    await admin.connect();
    const ended = await admin.query('select pg_terminate_backend(pid) from unnest($1::int[]) as pid', [pids]);
    await admin.end();
    expect(ended.rows.map((r: { pg_terminate_backend: boolean }) => r.pg_terminate_backend)).toEqual([
      true,
      true,
      true,
    ]);
    // The pools hear of it; without a listener their 'error' was thrown out of the process.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await kith.contacts.list({ tag: 'vip' })).data).toHaveLength(4);
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(kith.store.reader('heavy'));
    expect(rows).toEqual([{ one: 1 }]);
  });

  // Last: it changes the contacts table.
  it('runs a prepared statement again after another process changed its table', async () => {
    // list() loads its contacts with `select c.*`: a new column changes what the prepared text answers.
    const names = async () => (await kith.contacts.list({ sort: 'name', limit: 2 })).data.map((c) => c.name);
    for (let i = 0; i < 4; i++) expect(await names()).toEqual(['Ada', 'Bea']);
    await sql`alter table contacts add column added_by_another_process text`.execute(kith.store.db);
    expect(await names()).toEqual(['Ada', 'Bea']);
    expect(await names()).toEqual(['Ada', 'Bea']);
  });
});
