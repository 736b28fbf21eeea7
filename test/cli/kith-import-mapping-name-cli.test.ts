import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { openKith } from '../../src/services.js';
import { fixture } from '../support/import-helpers.js';
import { runCli } from '../support/run-cli.js';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/test-kith.js';

describe(`kith import contacts --mapping-name on ${TEST_DIALECT}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
    // Saved as the web wizard saves it; the file below lacks one of its columns.
    const kith = await openKith(loadConfig(database.env));
    try {
      await kith.savedMappings.create(
        {
          name: '旧系统导出',
          mapping: { 客户名: 'name', 联系方式: 'phone', 备注: 'ignore', 会员号: 'identity.member_no' },
        },
        { userId: null, channel: 'cli' },
      );
    } finally {
      await kith.close();
    }
  });
  afterAll(async () => database.drop());
  const kith = (...args: string[]) => runCli(args, database.env);

  it('maps the file with a saved mapping, by name in any case, --map overriding a column', async () => {
    const file = fixture('saved.csv', '客户名,联系方式,备注\n张伟,13800138000,老客户\n');
    const r = await kith(
      'import',
      'contacts',
      file,
      '--mapping-name',
      ' 旧系统导出 ',
      '--map',
      '备注=city',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ created: 1, failed: 0 });
    const listed = JSON.parse((await kith('contacts', 'list', '--q', '13800138000', '--json')).stdout);
    expect(listed.data[0]).toMatchObject({ name: '张伟', phone: '+8613800138000', city: '老客户' });
  });

  it('names the saved mappings when the name is unknown', async () => {
    const r = await kith('import', 'contacts', fixture('x.csv', 'a\n1\n'), '--mapping-name', 'Shopify');
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('mapping_name: no saved mapping has this name (saved: 旧系统导出)');
  });
});
