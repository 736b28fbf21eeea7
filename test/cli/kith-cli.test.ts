import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';
import { createTestDatabase, TEST_DIALECT, type TestDatabase } from '../support/test-kith.js';

describe(`the kith command on ${TEST_DIALECT}`, () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => database.drop());
  const kith = (...args: string[]) => runCli(args, database.env);

  it('prints help', async () => {
    const help = await kith('--help');
    expect(help.code).toBe(0);
    for (const command of ['serve', 'migrate', 'users', 'tokens', 'contacts'])
      expect(help.stdout).toContain(command);
  });

  it('migrates, then reports the schema up to date', async () => {
    const first = await kith('migrate', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toEqual({
      applied: [
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
      ],
      database: TEST_DIALECT,
    });
    expect(JSON.parse((await kith('migrate', '--json')).stdout).applied).toEqual([]);
  });

  it('round-trips a contact in the wire shape with normalised values', async () => {
    expect((await kith('identity-types', 'create', 'member_no')).code).toBe(0);
    expect(
      (await kith('attributes', 'create', 'tier', '--type', 'list', '--option', 'Gold', '--option', 'Silver'))
        .code,
    ).toBe(0);
    const added = await kith(
      'contacts',
      'add',
      '--first-name',
      '伟',
      '--last-name',
      '张',
      '--email',
      ' Zhang.Wei@Example.COM ',
      '--phone',
      '138-0013-8000',
      '--external-id',
      'CRM-1',
      '--identity',
      'member_no=M=001',
      '--tag',
      'VIP',
      '--tag',
      '新客',
      '--attr',
      'tier=gold',
      '--json',
    );
    expect(added.stderr).toBe('');
    expect(added.code).toBe(0);
    const contact = JSON.parse(added.stdout);
    expect(contact).toEqual({
      id: expect.stringMatching(/^ct_[0-9a-z]{26}$/),
      name: '张伟',
      first_name: '伟',
      last_name: '张',
      email: 'zhang.wei@example.com',
      additional_emails: [],
      phone: '+8613800138000',
      additional_phones: [],
      gender: null,
      birthday: null,
      country: null,
      province: null,
      city: null,
      address: null,
      postcode: null,
      company: null,
      tags: ['VIP', '新客'],
      initial_source: null,
      initial_source_detail: null,
      campaign: null,
      identities: { external_id: 'CRM-1', member_no: 'M=001' },
      attributes: { tier: 'Gold' },
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      updated_at: contact.created_at,
    });
    const got = await kith('contacts', 'get', contact.id, '--json');
    expect(JSON.parse(got.stdout)).toEqual(contact);

    const duplicate = await kith(
      'contacts',
      'add',
      '--name',
      'Other',
      '--phone',
      '+86 138 0013 8000',
      '--json',
    );
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stderr).toContain(`already belongs to contact ${contact.id}`);
    expect(JSON.parse(duplicate.stdout).error.details.existing_id).toBe(contact.id);

    const list = await kith('contacts', 'list', '--json');
    expect(JSON.parse(list.stdout).data.map((c: { id: string }) => c.id)).toEqual([contact.id]);
    // The customers list's filters and sort, as the API's query names them.
    const filtered = await kith('contacts', 'list', '--q', '138 0013 8000', '--sort', '-name', '--json');
    expect(filtered.code, filtered.stderr).toBe(0);
    expect(JSON.parse(filtered.stdout)).toMatchObject({ data: [{ id: contact.id }], total: 1 });
    const none = await kith('contacts', 'list', '--created-before', '2000-01-01');
    expect([none.stdout, none.stderr]).toEqual(['', '0 matching\n']);
    const noGroup = await kith('contacts', 'list', '--group', 'Nobody', '--json');
    expect(noGroup.code).toBe(1);
    expect(noGroup.stderr).toContain('--group: is not the id or name of a group (got "Nobody")');
  });

  it('explains bad input and exits non-zero', async () => {
    const bad = await kith('contacts', 'add', '--email', 'nope', '--attr', 'tier=Bronze');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('email: is not a valid email address (got "nope")');
    expect(bad.stderr).toContain('attributes.tier: must be one of Gold, Silver (got "Bronze")');
    const usage = await kith('contacts', 'add', '--attr', 'novalue');
    expect(usage.code).toBe(2);
    expect((await kith('contacts', 'get', 'ct_missing')).stderr).toContain(
      'contact "ct_missing" does not exist',
    );
  });

  it('creates users and tokens as JSON', async () => {
    const user = await kith(
      'users',
      'create',
      '--email',
      'Admin@Example.com',
      '--password',
      'a long password',
      '--role',
      'admin',
      '--json',
    );
    expect(user.code).toBe(0);
    expect(JSON.parse(user.stdout)).toEqual({
      id: expect.stringMatching(/^usr_/),
      email: 'admin@example.com',
      role: 'admin',
    });
    const token = await kith('tokens', 'create', '--email', 'admin@example.com', '--json');
    expect(JSON.parse(token.stdout).token).toMatch(/^kith_[A-Za-z0-9_-]{43}$/);
    const weak = await kith(
      'users',
      'create',
      '--email',
      'b@example.com',
      '--password',
      'short',
      '--role',
      'agent',
    );
    expect(weak.code).toBe(1);
    const role = await kith(
      'users',
      'create',
      '--email',
      'c@example.com',
      '--password',
      'long enough',
      '--role',
      'boss',
    );
    expect(role.stderr).toContain('role: must be one of admin, agent (got "boss")');
  });
});
