/**
 * The customers list on PostgreSQL databases that sort text by a language (ICU collations), as a
 * database created on a Hungarian or Chinese server does — the test cluster's own C.UTF-8 sorts by
 * code point. Whatever the collation: walking a list page by page returns each customer exactly once,
 * in the order of one long page, and a search finds the same customers as on a code-point database.
 * Hungarian sorts "sz…" after "s" + U+10FFFF (a contraction), the case a prefix bound gets wrong.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ContactListQuery } from '../../src/contacts/contact-service.js';
import { loadConfig } from '../../src/config.js';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { type KithServices, openKith } from '../../src/services.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const NAMES = [
  'Szabó Anna',
  'Sándor Péter',
  'Sütő Zsófia',
  'Szilágyi Béla',
  'Sz',
  'S',
  'Sa',
  'sz kis',
  'Zoë Adams',
  'zoe adams',
  'Émile Zola',
  'Emil Nolde',
  'Ødegaard',
  'Oder',
  '王伟',
  '王 伟',
  '李娜',
  '张三',
  '张三丰',
  'Ärger',
  'Aaron',
  'ǅemal',
  'ß-Straße',
  'Strasse',
  '12 Monkeys',
  '#hash',
  'Ångström',
  'Cs',
  'Csaba',
  'Chloé',
];

const QUERIES: [string, ContactListQuery][] = [
  ['by name', { sort: 'name' }],
  ['by name, descending', { sort: '-name' }],
  ['"sz" by name', { q: 'sz', sort: 'name' }],
  ['"s" by name', { q: 's', sort: 'name' }],
  ['"cs" by name, descending', { q: 'cs', sort: '-name' }],
  ['"王" by name', { q: '王', sort: 'name' }],
  ['"zoe" by relevance', { q: 'zoe' }],
  ['tag by name', { tag: 'vip', sort: 'name' }],
  ['by creation', { sort: 'created_at' }],
];

async function seed(kith: KithServices): Promise<void> {
  let i = 0;
  for (const name of NAMES) {
    // Each name twice: ties on the name are ordered by id on every page boundary.
    for (const copy of [0, 1]) {
      await kith.contacts.create(
        { name, ...(i++ % 3 === 0 ? { tags: ['vip'] } : {}), city: `copy ${copy}` },
        SYSTEM_ACTOR,
      );
    }
  }
}

/** Every page of a query, a few customers at a time, as names. */
async function walk(kith: KithServices, query: ContactListQuery, limit: number): Promise<string[][]> {
  const pages: string[][] = [];
  let cursor: string | undefined;
  for (let guard = 0; guard < 100; guard++) {
    const page = await kith.contacts.list({ ...query, limit, ...(cursor ? { cursor } : {}) });
    pages.push(page.data.map((c) => `${c.name} (${c.id})`));
    if (!page.next_cursor) return pages;
    cursor = page.next_cursor;
  }
  throw new Error('the pages never ended');
}

describe.skipIf(TEST_DIALECT !== 'postgres')('the customers list under a language collation', () => {
  let reference: TestKith;
  const databases: { locale: string; kith: KithServices; name: string; dataDir: string }[] = [];

  beforeAll(async () => {
    reference = await createTestKith();
    await seed(reference);
    const base = process.env.KITH_TEST_DATABASE_URL!;
    for (const locale of ['hu-HU', 'zh-Hans-CN', 'en-US']) {
      const name = `kith_icu_${locale.replace(/-/g, '_').toLowerCase()}_${Date.now().toString(36)}`;
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(
        `create database ${name} template template0 encoding 'UTF8' locale_provider icu icu_locale '${locale}' locale 'C.UTF-8'`,
      );
      await admin.end();
      const url = new URL(base);
      url.pathname = `/${name}`;
      const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'kith-icu-'));
      const kith = await openKith(loadConfig({ KITH_DATA_DIR: dataDir, DATABASE_URL: url.toString() }));
      await seed(kith);
      databases.push({ locale, kith, name, dataDir });
    }
  });

  afterAll(async () => {
    await reference?.destroy();
    const admin = new pg.Client({ connectionString: process.env.KITH_TEST_DATABASE_URL! });
    await admin.connect();
    for (const database of databases) {
      await database.kith.close();
      await admin.query(`drop database ${database.name}`);
      fs.rmSync(database.dataDir, { recursive: true, force: true });
    }
    await admin.end();
  });

  it.each(QUERIES)('%s: every customer once, pages in the order of one long page', async (_, query) => {
    const names = (rows: string[]) => rows.map((row) => row.replace(/ \(ct_[^)]+\)$/, '')).sort();
    const expected = names((await walk(reference, query, 500)).flat());
    expect(expected.length).toBeGreaterThan(0);
    for (const { locale, kith } of databases) {
      const whole = (await walk(kith, query, 500)).flat();
      for (const limit of [1, 3, 7]) {
        const paged = (await walk(kith, query, limit)).flat();
        expect(paged, `${locale}, pages of ${limit}`).toEqual(whole);
      }
      // The same customers as on a database that sorts by code point: only their order may differ.
      expect(names(whole), locale).toEqual(expected);
    }
  });

  it('sorts by the language of the database, not by code point', async () => {
    const order = async (kith: KithServices) =>
      (await kith.contacts.list({ sort: 'name', limit: 500 })).data.map((c) => c.name);
    const byCodePoint = await order(reference);
    expect(byCodePoint.indexOf('Szabó Anna')).toBeLessThan(byCodePoint.indexOf('Sütő Zsófia'));
    const hungarian = await order(databases.find((d) => d.locale === 'hu-HU')!.kith);
    // Hungarian: "sz" is a letter of its own, after "s" (and "ü" is a "u").
    expect(hungarian.indexOf('Sütő Zsófia')).toBeLessThan(hungarian.indexOf('Szabó Anna'));
  });
});
