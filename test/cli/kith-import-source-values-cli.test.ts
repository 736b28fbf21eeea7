import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixture } from '../support/import-helpers.js';
import { runCli } from '../support/run-cli.js';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/test-kith.js';

describe(`kith import contacts --initial-source --campaign on ${TEST_DIALECT}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.drop());
  const kith = (...args: string[]) => runCli(args, database.env);
  const contact = async (email: string) =>
    (JSON.parse((await kith('contacts', 'list', '--json')).stdout).data as { email: string }[]).find(
      (c) => c.email === email,
    );

  it('labels the whole file: new customers take the values, a row’s own column wins; the import keeps them', async () => {
    const file = fixture('fair.csv', 'name,email,source\n张伟,zw@example.com,\n李娜,ln@example.com,官网\n');
    const r = await kith(
      'import',
      'contacts',
      file,
      '--initial-source',
      '2026 上海展会',
      '--initial-source-detail',
      'B12 展位',
      '--campaign',
      '春季促销',
      '--json',
    );
    expect(r.code, r.stderr).toBe(0);
    const outcome = JSON.parse(r.stdout);
    expect(outcome).toMatchObject({ created: 2, failed: 0 });
    expect(await contact('zw@example.com')).toMatchObject({
      initial_source: '2026 上海展会',
      initial_source_detail: 'B12 展位',
      campaign: '春季促销',
    });
    expect(await contact('ln@example.com')).toMatchObject({ initial_source: '官网', campaign: '春季促销' });
    const shown = JSON.parse((await kith('imports', 'show', outcome.import_id, '--json')).stdout);
    expect(shown.settings).toMatchObject({
      initial_source: '2026 上海展会',
      initial_source_detail: 'B12 展位',
      campaign: '春季促销',
    });
  });

  it('refuses a value no contact could hold, naming the option', async () => {
    const r = await kith(
      'import',
      'contacts',
      fixture('long.csv', 'email\nx@example.com\n'),
      '--campaign',
      'c'.repeat(1001),
    );
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('options.campaign: is longer than 1000 characters');
  });
});
