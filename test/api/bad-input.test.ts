/**
 * Bad input a careless client sends, found by sending every route of the OpenAPI document wrong types,
 * NUL, lone surrogates, long strings and taken names on both stores: each answers in the error shape,
 * naming the field, the value and the reason — and a refused request writes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../support/test-kith.js';
import { adminAndAgentTokens, api, startTestServer, type TestServer } from '../support/test-server.js';

describe(`bad input over HTTP on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let inboxId: string;
  const call = (method: string, path: string, body?: unknown) =>
    api(server.baseUrl, method, path, { token: admin, body });
  const contacts = async () =>
    (await call('GET', '/api/contacts?limit=500')).body.data.map((c: { name: string; email: string }) => ({
      name: c.name,
      email: c.email,
    }));

  beforeAll(async () => {
    server = await startTestServer();
    ({ admin } = await adminAndAgentTokens(server));
    inboxId = (await call('POST', '/api/inboxes', { name: 'Support', channel_type: 'api' })).body.id;
    await call('POST', '/api/contacts', { name: 'Old Name', email: 'old@example.com' });
  });
  afterAll(async () => server.close());

  describe('a conversation refused writes no contact', () => {
    // The contact was found or created (and a found one updated) before the rest of the request was
    // checked, so each of these answered 400 and still left a new contact, or renamed "Old Name".
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['an assignee who is no user', { assignee_id: 'usr_nobody' }, 'assignee_id', 'is not an active user'],
      ['a team that does not exist', { team_id: 'team_nobody' }, 'team_id', 'is not a team'],
      ['a first message holding NUL', { message: 'a\u0000b' }, 'message', 'holds the NUL character'],
    ];
    it.each(cases)('%s', async (_, extra, field, reason) => {
      const before = await contacts();
      for (const contact of [
        { name: 'Fresh', email: 'fresh@example.com' },
        { name: 'Renamed', email: 'old@example.com' },
      ]) {
        const refused = await call('POST', '/api/conversations', { inbox_id: inboxId, contact, ...extra });
        expect(refused.status).toBe(400);
        expect(refused.body.error.code).toBe('validation_failed');
        expect(JSON.stringify(refused.body.error.details)).toContain(`"field":"${field}"`);
        expect(refused.body.error.message).toContain(`${field}: ${reason}`);
      }
      expect(await contacts()).toEqual(before);
      expect((await call('GET', '/api/conversations')).body.data).toEqual([]);
    });
  });

  describe('NUL is refused by name on either store, before anything is written', () => {
    // SQLite stored these (a rule or mapping named "\u0000" looked unnamed); PostgreSQL refused them
    // only when the write failed inside.
    const cases: [string, string, () => Promise<unknown>, string][] = [
      [
        'a message',
        'POST /api/conversations/{conversation}/messages',
        async () => ({ direction: 'incoming', content: 'a\u0000b' }),
        'content',
      ],
      [
        'a rule name',
        'POST /api/rules',
        async () => ({
          name: '\u0000',
          event: 'conversation_created',
          actions: [{ action: 'assign_agent', agent_id: null }],
        }),
        'name',
      ],
      [
        'a saved mapping name',
        'POST /api/imports/mappings',
        async () => ({ name: '\u0000', mapping: { name: 'name' } }),
        'name',
      ],
    ];
    it.each(cases)('%s', async (_, route, body, field) => {
      const conversation = await call('POST', '/api/conversations', {
        inbox_id: inboxId,
        contact: { email: 'old@example.com' },
      });
      const [method, template] = route.split(' ') as [string, string];
      const path = template.replace('{conversation}', conversation.body.id);
      const refused = await call(method, path, await body());
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('validation_failed');
      expect(JSON.stringify(refused.body.error.details)).toContain(`"field":"${field}"`);
      expect(refused.body.error.message).toContain(
        `${field}: holds the NUL character (U+0000), which cannot be stored`,
      );
      expect((await call('GET', '/api/rules')).body.data).toEqual([]);
      expect((await call('GET', '/api/imports/mappings')).body.data).toEqual([]);
      expect((await call('GET', `/api/conversations/${conversation.body.id}/messages`)).body.data).toEqual(
        [],
      );
    });
  });

  describe('NUL in the free text of settings is refused by name, the same on both stores', () => {
    // SQLite stored these (a webhook described as "CRM\u0000 sync" read as "CRM"); PostgreSQL
    // refused them only when the write failed, naming the field but as another kind of error.
    const cases: [string, string, Record<string, unknown>, string, string][] = [
      [
        "a webhook's description",
        'POST /api/webhooks',
        { url: 'https://example.com/hook', events: ['contact.created'], description: 'CRM\u0000 sync' },
        'description',
        '/api/webhooks',
      ],
      [
        "a CardDAV connection's user name",
        'POST /api/sync/connections',
        {
          name: 'Radicale',
          url: 'https://dav.example.com/alice/contacts/',
          username: 'ali\u0000ce',
          password: 'secret',
        },
        'username',
        '/api/sync/connections',
      ],
    ];
    it.each(cases)('%s', async (_, route, body, field, list) => {
      const before = (await call('GET', list)).body.data;
      const [method, path] = route.split(' ') as [string, string];
      const refused = await call(method, path, body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.code).toBe('validation_failed');
      expect(JSON.stringify(refused.body.error.details)).toContain(`"field":"${field}"`);
      expect(refused.body.error.message).toContain(
        `${field}: holds the NUL character (U+0000), which cannot be stored`,
      );
      expect((await call('GET', list)).body.data).toEqual(before);
    });
  });

  it('names the group holding a name another group is renamed to (the id was empty)', async () => {
    const taken = (await call('POST', '/api/groups', { name: 'VIP' })).body;
    const other = (await call('POST', '/api/groups', { name: 'Other' })).body;
    const refused = await call('PATCH', `/api/groups/${other.id}`, { name: 'vip' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toEqual({
      code: 'conflict',
      message: `name "vip" already belongs to group ${taken.id}`,
      details: { field: 'name', value: 'vip', existing_id: taken.id },
    });
  });

  it('answers a NUL in an id of the path as not found, or by naming the id (PostgreSQL)', async () => {
    for (const path of ['/api/contacts/ct_%00', '/api/groups/abc%00def', '/api/rules/%00']) {
      const answer = await call('GET', path);
      if (TEST_DIALECT === 'postgres') {
        // It answered "a text value holds the NUL character", naming neither the part nor the value.
        expect(answer.status, path).toBe(400);
        expect(answer.body.error).toMatchObject({ code: 'invalid_text', details: { field: 'id' } });
        expect(answer.body.error.message).toMatch(/^id: holds the NUL character/);
      } else {
        expect(answer.status, path).toBe(404);
        expect(answer.body.error.code).toBe('not_found');
      }
    }
  });

  it("answers a request head past 16 KB in the error shape (it was Fastify's own)", async () => {
    const answer = await call('GET', `/api/contacts?q=${'x'.repeat(20_000)}`);
    expect(answer.status).toBe(431);
    expect(answer.body).toEqual({
      error: {
        code: 'headers_too_large',
        message:
          "the request's address and headers are longer than 16 KB together; shorten the query string (fewer ids, a shorter search)",
      },
    });
  });

  it("refuses a rule's dry run given the other kind of subject, instead of ignoring it", async () => {
    const conversation = await call('POST', '/api/conversations', {
      inbox_id: inboxId,
      contact: { email: 'old@example.com' },
    });
    const onConversation = await call('POST', '/api/rules', {
      name: 'Try me',
      event: 'conversation_created',
      actions: [{ action: 'assign_agent', agent_id: null }],
    });
    const onContact = await call('POST', '/api/rules', {
      name: 'Try me too',
      event: 'contact_updated',
      actions: [{ action: 'send_webhook', url: 'https://example.com/hook', secret: 's'.repeat(16) }],
    });
    // A contact id no one has was ignored beside the conversation: 200, as if it had been tried.
    for (const [rule, body, field, reason] of [
      [
        onConversation.body.id,
        { conversation_id: conversation.body.id, contact_id: 'ct_nobody' },
        'contact_id',
        "has no part in a conversation_created rule: the conversation's own contact is used",
      ],
      [
        onContact.body.id,
        { contact_id: conversation.body.contact_id, conversation_id: 'cnv_nobody' },
        'conversation_id',
        'has no part in a contact_updated rule: give contact_id',
      ],
    ] as const) {
      const refused = await call('POST', `/api/rules/${rule}/dry-run`, body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.details).toEqual({ field, value: body[field], reason });
    }
    const tried = await call('POST', `/api/rules/${onConversation.body.id}/dry-run`, {
      conversation_id: conversation.body.id,
    });
    expect([tried.status, tried.body.matched]).toEqual([200, true]);
  });

  it('keeps an upload whose file name holds NUL, without it (PostgreSQL refused it naming nothing)', async () => {
    for (const [sent, kept] of [
      ['cust\u0000omers.csv', 'customers.csv'],
      ['\u0000', 'upload'],
    ]) {
      const form = new FormData();
      form.append('options', JSON.stringify({ dry_run: true }));
      form.append('file', new Blob(['name,email\nA,a@example.com\n']), sent);
      const answer = await fetch(`${server.baseUrl}/api/imports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}` },
        body: form,
      });
      const body = (await answer.json()) as { id: string; file_name: string };
      expect(answer.status, JSON.stringify(body)).toBe(202);
      expect(body.file_name).toBe(kept);
      expect((await call('GET', `/api/imports/${body.id}`)).body.file_name).toBe(kept);
    }
  });
});
