/**
 * SQLite's confirmation of name candidates (`sqliteNamesMatch`): its LIKE shortcuts may only ever say
 * yes where `kith_names_match` says yes (they spare most calls into JavaScript), and the whole condition
 * answers as `kith_names_match` does, on names with case, accents, ligatures, Greek, Turkish, wildcard
 * characters and words. SQLite only (PostgreSQL matches names with pg_trgm).
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  nameMatchMode,
  parseSearch,
  sqliteNamesMatch,
  sqliteNamesSurelyMatch,
} from '../../src/contacts/contact-search-sql.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';

const NAMES = [
  '王伟',
  '李王',
  '张伟明',
  'John Smith',
  'JOHN SMITH',
  'Ana Johnson',
  'Émile Zola',
  'émile',
  'Müller',
  'MÜLLER',
  'ﬁona ﬁle',
  'ΟΔΟΣ Σοφία',
  'İstanbul İlker',
  '100% Pure_Co',
  'a\\b',
  'Jo',
  'Smith-Jones',
];
const QUERIES = [
  '王',
  '伟',
  '王伟',
  'jo',
  'john smith',
  'sm',
  'ith',
  'emile',
  'émile',
  'müller',
  'mu',
  'fi',
  'fiona',
  'σ',
  'οδοσ',
  'is',
  '%',
  '_c',
  '0%',
  'a\\',
  'jones',
  'n s',
];

describe.skipIf(TEST_DIALECT !== 'sqlite')('confirming name candidates on SQLite', () => {
  let kith: TestKith;
  beforeAll(async () => {
    kith = await createTestKith();
  });
  afterAll(async () => kith.destroy());

  it('says yes through its shortcuts only where the full check does', async () => {
    let surely = 0;
    for (const name of NAMES) {
      for (const typed of QUERIES) {
        const q = parseSearch(typed, 'CN').folded;
        for (const mode of [nameMatchMode(q), 'exact'] as const) {
          const { rows } = await sql<{ quick: number; full: number; whole: number }>`select
              ${sqliteNamesSurelyMatch('c', mode, q)} as quick,
              kith_names_match(c.name, c.first_name, c.last_name, ${mode}, ${q}) as full,
              ${sqliteNamesMatch('c', mode, q)} as whole
            from (select ${name} as name, null as first_name, null as last_name) c`.execute(kith.store.db);
          const [row] = rows;
          if (row!.quick) expect(row!.full, `${name} / ${q} (${mode})`).toBe(1);
          expect(row!.whole).toBe(row!.full);
          surely += row!.quick;
        }
      }
    }
    // The shortcuts do answer most of the matches.
    expect(surely).toBeGreaterThan(20);
  });
});
