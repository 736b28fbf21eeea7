/**
 * Names and labels an administrator types in settings (tags, groups, attribute labels and options,
 * rules, tokens, teams, webhooks) are refused when they hold a control character, on both stores: a
 * 400 naming the field, showing the value escaped and saying why, and nothing written. They were
 * stored as they came ("Rule\u0007"), or with the character silently dropped ("VIP\u0007" → "VIP").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../support/test-kith.js';
import { adminAndAgentTokens, api, startTestServer, type TestServer } from '../support/test-server.js';

describe(`control characters in names typed in settings on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let contactId: string;
  let tagId: string;
  let groupId: string;
  const call = (method: string, path: string, body?: unknown) =>
    api(server.baseUrl, method, path, { token: admin, body });
  const data = async (path: string) => (await call('GET', path)).body.data;

  beforeAll(async () => {
    server = await startTestServer();
    ({ admin } = await adminAndAgentTokens(server));
    contactId = (await call('POST', '/api/contacts', { name: 'Zhao Lei', email: 'zhao@example.com' })).body
      .id;
    await call('POST', `/api/contacts/${contactId}/tags`, { tags: ['VIP'] });
    tagId = (await data('/api/tags'))[0].id;
    groupId = (await call('POST', '/api/groups', { name: 'Shanghai' })).body.id;
  });
  afterAll(async () => server.close());

  // [what, route, body, the field named, its value as the message shows it, the list that stays]
  const cases: [string, string, () => Record<string, unknown>, string, string, string][] = [
    [
      'a new tag (BEL)',
      'POST /api/contacts/{contact}/tags',
      () => ({ tags: ['VIP\u0007'] }),
      'tags[0]',
      '"VIP\\u0007"',
      '/api/tags',
    ],
    [
      'a tag renamed (ESC)',
      'PATCH /api/tags/{tag}',
      () => ({ name: 'a\u001bb' }),
      'name',
      '"a\\u001bb"',
      '/api/tags',
    ],
    [
      'a new group (DEL)',
      'POST /api/groups',
      () => ({ name: 'Gold\u007f' }),
      'name',
      '"Gold\\u007f"',
      '/api/groups',
    ],
    [
      'a group renamed (a tab)',
      'PATCH /api/groups/{group}',
      () => ({ name: 'Gold\tmembers' }),
      'name',
      '"Gold\\tmembers"',
      '/api/groups',
    ],
    [
      "a group's description (ESC; its line breaks are fine)",
      'POST /api/groups',
      () => ({ name: 'Beijing', description: 'line 1\n\u001b[31mline 2' }),
      'description',
      '"line 1\\n\\u001b[31mline 2"',
      '/api/groups',
    ],
    [
      "an attribute's label (NEL U+0085)",
      'POST /api/attributes',
      () => ({ key: 'tier', label: 'Tier\u0085', type: 'text' }),
      'label',
      '"Tier\\u0085"',
      '/api/attributes',
    ],
    [
      "a list attribute's option",
      'POST /api/attributes',
      () => ({ key: 'size', label: 'Size', type: 'list', options: ['S', 'M\u0007'] }),
      'options',
      '"M\\u0007"',
      '/api/attributes',
    ],
    [
      "an identity type's label",
      'POST /api/identity-types',
      () => ({ key: 'wechat_work', label: 'WeCom\u001b' }),
      'label',
      '"WeCom\\u001b"',
      '/api/identity-types',
    ],
    [
      "a rule's name",
      'POST /api/rules',
      () => ({
        name: 'Assign\u0007',
        event: 'conversation_created',
        actions: [{ action: 'assign_agent', agent_id: null }],
      }),
      'name',
      '"Assign\\u0007"',
      '/api/rules',
    ],
    [
      "an API token's name",
      'POST /api/tokens',
      () => ({ name: 'CI\u0000\u001b' }),
      'name',
      '',
      '/api/tokens',
    ],
    [
      "an API token's name (BEL)",
      'POST /api/tokens',
      () => ({ name: 'CI\u0007' }),
      'name',
      '"CI\\u0007"',
      '/api/tokens',
    ],
    [
      "a team's name",
      'POST /api/teams',
      () => ({ name: 'Sales\u0007' }),
      'name',
      '"Sales\\u0007"',
      '/api/teams',
    ],
    [
      "a webhook's description",
      'POST /api/webhooks',
      () => ({ url: 'https://example.com/hook', events: ['contact.created'], description: 'CRM\u001b sync' }),
      'description',
      '"CRM\\u001b sync"',
      '/api/webhooks',
    ],
    [
      "a saved mapping's name",
      'POST /api/imports/mappings',
      () => ({ name: 'Shop\u0007', mapping: { name: 'name' } }),
      'name',
      '"Shop\\u0007"',
      '/api/imports/mappings',
    ],
  ];

  it.each(cases)('%s', async (_, route, body, field, shown, list) => {
    const before = await data(list);
    const [method, template] = route.split(' ') as [string, string];
    const path = template.replace('{contact}', contactId).replace('{tag}', tagId).replace('{group}', groupId);
    const refused = await call(method, path, body());
    expect(refused.status).toBe(400);
    expect(refused.body.error.code).toBe('validation_failed');
    const details = [refused.body.error.details].flat();
    expect(details).toContainEqual(expect.objectContaining({ field }));
    const detail = details.find((d: { field: string }) => d.field === field);
    if (shown === '') {
      // NUL first: said by its own reason (no store holds it).
      expect(detail.reason).toMatch(/^holds the NUL character/);
      return;
    }
    expect(detail.reason).toMatch(/^contains a control character/);
    expect(refused.body.error.message).toContain(`${field}: contains a control character (`);
    expect(refused.body.error.message).toContain(`(got ${shown})`);
    expect(await data(list)).toEqual(before);
  });

  it('keeps a tag, group, label and user name of Chinese, emoji and joiners; a description keeps its lines', async () => {
    const tagged = await call('POST', `/api/contacts/${contactId}/tags`, { tags: ['老客户 👩‍💻'] });
    expect(tagged.status).toBe(200);
    expect(tagged.body.tags).toContain('老客户 👩‍💻');
    const group = await call('POST', '/api/groups', { name: '上海 ⭐', description: 'line 1\n\tline 2' });
    expect(group.status).toBe(201);
    const renamed = await call('PATCH', `/api/tags/${tagId}`, { name: 'VIP\n' });
    expect(renamed.status).toBe(200);
    expect(renamed.body.name).toBe('VIP');
    const me = await call('PATCH', '/api/auth/me', { name: '赵磊\u0007' });
    expect(me.status).toBe(400);
    expect(me.body.error.details).toMatchObject({ field: 'name', value: '赵磊\u0007' });
    expect(me.body.error.message).toContain('(got "赵磊\\u0007")');
  });
});
