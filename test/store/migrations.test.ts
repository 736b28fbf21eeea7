import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrator.js';
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
      ]);
      expect((await migrateToLatest(a)).applied).toEqual([]);
      const types = await a.db.selectFrom('identity_types').select('key').execute();
      expect(types.map((t) => t.key)).toEqual(['external_id']);
    } finally {
      await a.close();
      await b.close();
    }
  });
});
