/**
 * Conversations, inboxes, agents, rules and reports over real HTTP: the seed case driven the way other
 * systems and agents drive it (agents with their own tokens, admins managing inboxes and rules), access
 * rules, snoozing, and clear errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { api, startTestServer, type TestServer } from '../support/test-server.js';

describe(`conversations API on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  const agents: Record<'a' | 'b' | 'outsider', { id: string; token: string }> = {} as never;
  let inboxId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const { users, tokens } = server.kith;
    const boss = await users.create(
      { email: 'admin@example.com', password: 'correct horse', role: 'admin' },
      SYSTEM_ACTOR,
    );
    admin = (await tokens.create(boss.id, 'tests', SYSTEM_ACTOR)).token;
    for (const name of ['a', 'b', 'outsider'] as const) {
      const u = await users.create(
        { email: `${name}@example.com`, password: 'battery staple', role: 'agent' },
        SYSTEM_ACTOR,
      );
      agents[name] = { id: u.id, token: (await tokens.create(u.id, 'tests', SYSTEM_ACTOR)).token };
    }
  });
  afterAll(async () => {
    await server.close();
  });

  it('lets admins set up an inbox with auto-assignment and members; agents may not', async () => {
    const refused = await api(server.baseUrl, 'POST', '/api/inboxes', {
      token: agents.a.token,
      body: { name: 'Support' },
    });
    expect(refused.status).toBe(403);
    const created = await api(server.baseUrl, 'POST', '/api/inboxes', {
      token: admin,
      body: { name: 'Support', auto_assignment: { enabled: true, mode: 'round_robin' } },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Support',
      channel_type: 'api',
      auto_assignment: { enabled: true, mode: 'round_robin' },
    });
    inboxId = created.body.id;
    for (const who of [agents.a, agents.b]) {
      const added = await api(server.baseUrl, 'POST', `/api/inboxes/${inboxId}/members`, {
        token: admin,
        body: { user_id: who.id },
      });
      expect(added.status).toBe(200);
    }
    const dup = await api(server.baseUrl, 'POST', '/api/inboxes', {
      token: admin,
      body: { name: 'support' },
    });
    expect(dup.status).toBe(409);
    const bad = await api(server.baseUrl, 'POST', '/api/inboxes', {
      token: admin,
      body: { name: 'X', auto_assignment: { enabled: true, mode: 'random' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/auto_assignment\.mode/);
  });

  it('runs the seed case end to end', async () => {
    const rule = await api(server.baseUrl, 'POST', '/api/rules', {
      token: admin,
      body: {
        name: 'Unassign on resolve',
        event: 'conversation_updated',
        conditions: { all: [{ attribute: 'status', operator: 'equal_to', value: 'resolved' }] },
        actions: [{ action: 'assign_agent', agent_id: null }],
        active: true,
        once_per_conversation: false,
      },
    });
    expect(rule.status).toBe(201);
    expect(
      (await api(server.baseUrl, 'POST', '/api/rules', { token: agents.a.token, body: rule.body })).status,
    ).toBe(403);

    for (const who of [agents.a, agents.b]) {
      const set = await api(server.baseUrl, 'PUT', `/api/agents/${who.id}/availability`, {
        token: who.token,
        body: { availability: 'online' },
      });
      expect(set.status).toBe(200);
    }
    // A customer writes in through another system.
    const started = await api(server.baseUrl, 'POST', '/api/conversations', {
      token: admin,
      body: {
        inbox_id: inboxId,
        contact: { name: '韩梅梅', phone: '+86 139 0013 9000', external_id: 'SHOP-7' },
        message: '我的订单呢?',
      },
    });
    expect(started.status).toBe(201);
    const conversationId: string = started.body.id;
    const firstAgent = started.body.assignee_id as string;
    expect([agents.a.id, agents.b.id]).toContain(firstAgent);
    // Make A the one holding it, as in the seed case.
    const toA = await api(server.baseUrl, 'PATCH', `/api/conversations/${conversationId}`, {
      token: admin,
      body: { assignee_id: agents.a.id },
    });
    expect(toA.body.assignee_id).toBe(agents.a.id);

    const resolved = await api(server.baseUrl, 'PATCH', `/api/conversations/${conversationId}`, {
      token: agents.a.token,
      body: { status: 'resolved' },
    });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ status: 'resolved', assignee_id: null });
    const report = await api(server.baseUrl, 'GET', '/api/reports/agents', { token: admin });
    expect(report.body.data.find((r: { user_id: string }) => r.user_id === agents.a.id).resolved).toBe(1);

    await api(server.baseUrl, 'PUT', `/api/agents/${agents.a.id}/availability`, {
      token: agents.a.token,
      body: { availability: 'offline' },
    });
    // The same customer writes again: matched by identity, into the same conversation.
    const again = await api(server.baseUrl, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: admin,
      body: { direction: 'incoming', content: '还在吗?' },
    });
    expect(again.status).toBe(201);
    const now = await api(server.baseUrl, 'GET', `/api/conversations/${conversationId}`, {
      token: agents.b.token,
    });
    expect(now.body).toMatchObject({
      status: 'open',
      assignee_id: agents.b.id,
      contact_id: started.body.contact_id,
      labels: [],
    });

    const logs = await api(server.baseUrl, 'GET', `/api/rules/${rule.body.id}/logs`, { token: admin });
    expect(logs.body.data.some((l: { outcome: string }) => l.outcome === 'matched')).toBe(true);
    // Each entry names its conversation's customer, so the log reads without opening ids.
    expect(
      logs.body.data.filter((l: { conversation_id: string }) => l.conversation_id === conversationId).length,
    ).toBeGreaterThan(0);
    for (const l of logs.body.data as { conversation_id: string; subject_name: string | null }[])
      if (l.conversation_id === conversationId) expect(l.subject_name).toBe('韩梅梅');
    const dry = await api(server.baseUrl, 'POST', `/api/rules/${rule.body.id}/dry-run`, {
      token: admin,
      body: { conversation_id: conversationId },
    });
    expect(dry.body).toMatchObject({
      matched: false,
      trace: { children: [{ matched: false, actual: 'open' }] },
    });

    const events = await api(server.baseUrl, 'GET', `/api/conversations/${conversationId}/events`, {
      token: admin,
    });
    expect(events.body.data.map((e: { type: string }) => e.type)).toContain('status_changed');
    const timeline = await api(server.baseUrl, 'GET', `/api/contacts/${started.body.contact_id}/timeline`, {
      token: admin,
    });
    expect(timeline.body.data.some((e: { type: string }) => e.type === 'conversation_status_changed')).toBe(
      true,
    );

    // Once more from the shop: the contact is matched by its identity, not duplicated.
    const second = await api(server.baseUrl, 'POST', '/api/conversations', {
      token: admin,
      body: { inbox_id: inboxId, contact: { external_id: 'SHOP-7' }, message: '另一个问题' },
    });
    expect(second.body.contact_id).toBe(started.body.contact_id);
  });

  it('keeps agents to their own inboxes and their own availability', async () => {
    const list = await api(server.baseUrl, 'GET', '/api/conversations', { token: agents.outsider.token });
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([]);
    const mine = await api(server.baseUrl, 'GET', '/api/conversations?status=open', {
      token: agents.b.token,
    });
    expect(mine.body.data.length).toBeGreaterThan(0);
    const id = mine.body.data[0].id;
    expect(
      (await api(server.baseUrl, 'GET', `/api/conversations/${id}`, { token: agents.outsider.token })).status,
    ).toBe(404);
    expect(
      (
        await api(server.baseUrl, 'PATCH', `/api/conversations/${id}`, {
          token: agents.outsider.token,
          body: { status: 'resolved' },
        })
      ).status,
    ).toBe(404);
    const other = await api(server.baseUrl, 'PUT', `/api/agents/${agents.b.id}/availability`, {
      token: agents.a.token,
      body: { availability: 'offline' },
    });
    expect(other.status).toBe(403);
    const capacity = await api(server.baseUrl, 'PUT', `/api/agents/${agents.a.id}/capacity`, {
      token: agents.a.token,
      body: { capacity: 99 },
    });
    expect(capacity.status).toBe(403);
    const elsewhere = await api(server.baseUrl, 'POST', '/api/conversations', {
      token: agents.outsider.token,
      body: { inbox_id: inboxId, contact: { email: 'sneaky@example.com' } },
    });
    expect(elsewhere.status).toBe(400);
    expect(elsewhere.body.error.message).toMatch(/inbox_id: is not an inbox you are a member of/);
    const unauthenticated = await api(server.baseUrl, 'GET', '/api/conversations');
    expect(unauthenticated.status).toBe(401);
    // The customer's timeline: the conversation's events for its inbox's members and admins only.
    const contactId = mine.body.data[0].contact_id as string;
    const conversationEvents = async (token: string, query = '') => {
      const timeline = await api(server.baseUrl, 'GET', `/api/contacts/${contactId}/timeline${query}`, {
        token,
      });
      expect(timeline.status).toBe(200);
      return (timeline.body.data as { type: string; data: { conversation_id?: string } | null }[]).filter(
        (e) => e.type.startsWith('conversation_'),
      );
    };
    expect((await conversationEvents(agents.b.token)).map((e) => e.data?.conversation_id)).toContain(id);
    expect((await conversationEvents(admin)).map((e) => e.data?.conversation_id)).toContain(id);
    expect(await conversationEvents(agents.outsider.token)).toEqual([]);
    expect(await conversationEvents(agents.outsider.token, '?limit=1')).toEqual([]);
    const outsiderTimeline = await api(server.baseUrl, 'GET', `/api/contacts/${contactId}/timeline?limit=1`, {
      token: agents.outsider.token,
    });
    expect(outsiderTimeline.body.data).toHaveLength(1); // the contact's own events, past the hidden ones
  });

  it('refuses an empty assignee or team id instead of storing it', async () => {
    const body = { inbox_id: inboxId, contact: { email: 'empty-ids@example.com' } };
    for (const field of ['assignee_id', 'team_id']) {
      const created = await api(server.baseUrl, 'POST', '/api/conversations', {
        token: admin,
        body: { ...body, [field]: '' },
      });
      expect(created.status, field).toBe(400);
      expect(created.body.error.details, field).toMatchObject({ field, value: '' });
    }
    const conversation = await api(server.baseUrl, 'POST', '/api/conversations', { token: admin, body });
    for (const field of ['assignee_id', 'team_id']) {
      const patched = await api(server.baseUrl, 'PATCH', `/api/conversations/${conversation.body.id}`, {
        token: admin,
        body: { [field]: '' },
      });
      expect(patched.status, field).toBe(400);
      expect(patched.body.error.details, field).toMatchObject({ field, value: '' });
    }
    const after = await api(server.baseUrl, 'GET', `/api/conversations/${conversation.body.id}`, {
      token: admin,
    });
    expect(after.body).toMatchObject({
      assignee_id: conversation.body.assignee_id,
      team_id: conversation.body.team_id,
    });
    expect(after.body.assignee_id).not.toBe('');
  });

  it('filters, snoozes, labels and explains bad input', async () => {
    const created = await api(server.baseUrl, 'POST', '/api/conversations', {
      token: admin,
      body: { inbox_id: inboxId, contact: { email: 'snooze@example.com' }, labels: ['Billing', 'billing '] },
    });
    expect(created.body.labels).toEqual(['billing']);
    const id = created.body.id;
    // NUL (U+0000): PostgreSQL cannot store it, so neither store takes it; refused by name before
    // anything is written.
    const withNul = await api(server.baseUrl, 'POST', `/api/conversations/${id}/messages`, {
      token: admin,
      body: { direction: 'incoming', content: 'a\u0000b' },
    });
    expect([withNul.status, withNul.body.error.code]).toEqual([400, 'validation_failed']);
    // Named, as any refused value is: the field, the value and the reason.
    expect(withNul.body.error.details).toMatchObject([{ field: 'content', value: 'a\u0000b' }]);
    expect(withNul.body.error.message).toMatch(/^content: holds the NUL character \(U\+0000\)/);
    // A time already past is a typo the next wake-up would undo within a minute.
    const past = await api(server.baseUrl, 'PATCH', `/api/conversations/${id}`, {
      token: admin,
      body: { status: 'snoozed', snoozed_until: '2020-01-01T00:00:00Z' },
    });
    expect(past.status).toBe(400);
    expect(past.body.error.message).toBe('snoozed_until: is in the past (got "2020-01-01T00:00:00Z")');
    const until = new Date(Date.now() + 3_600_000).toISOString();
    const snoozed = await api(server.baseUrl, 'PATCH', `/api/conversations/${id}`, {
      token: admin,
      body: {
        status: 'snoozed',
        snoozed_until: until,
        add_labels: ['VIP'],
        priority: 'urgent',
      },
    });
    expect(snoozed.body).toMatchObject({ status: 'snoozed', labels: ['billing', 'vip'], priority: 'urgent' });
    const byLabel = await api(server.baseUrl, 'GET', '/api/conversations?label=vip', { token: admin });
    expect(byLabel.body.data.map((c: { id: string }) => c.id)).toEqual([id]);
    // The worker's wake-up leaves it until its time, then reopens it.
    expect(await server.kith.conversations.reopenDueSnoozed(SYSTEM_ACTOR)).toBe(0);
    expect(
      await server.kith.conversations.reopenDueSnoozed(SYSTEM_ACTOR, new Date(Date.parse(until) + 1)),
    ).toBe(1);
    expect((await api(server.baseUrl, 'GET', `/api/conversations/${id}`, { token: admin })).body.status).toBe(
      'open',
    );

    for (const sort of ['', '&sort=waiting']) {
      const badAfter = await api(server.baseUrl, 'GET', `/api/conversations?after=garbage${sort}`, {
        token: admin,
      });
      expect(badAfter.status, sort).toBe(400);
      expect(badAfter.body.error.details).toMatchObject({ field: 'after', value: 'garbage' });
    }
    const badStatus = await api(server.baseUrl, 'PATCH', `/api/conversations/${id}`, {
      token: admin,
      body: { status: 'closed' },
    });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.error.message).toMatch(/status/);
    const badAssignee = await api(server.baseUrl, 'PATCH', `/api/conversations/${id}`, {
      token: admin,
      body: { assignee_id: 'usr_nobody' },
    });
    expect(badAssignee.body.error.message).toBe('assignee_id: is not an active user (got "usr_nobody")');
    // An agent outside the inbox would hold a conversation no one sees: refused on update and create.
    const outsider = await api(server.baseUrl, 'PATCH', `/api/conversations/${id}`, {
      token: admin,
      body: { assignee_id: agents.outsider.id },
    });
    expect(outsider.status).toBe(400);
    expect(outsider.body.error.message).toMatch(/^assignee_id: is not a member of inbox/);
    const createdForOutsider = await api(server.baseUrl, 'POST', '/api/conversations', {
      token: admin,
      body: { inbox_id: inboxId, contact: { email: 'outside@example.com' }, assignee_id: agents.outsider.id },
    });
    expect(createdForOutsider.status).toBe(400);
    const toAdmin = await api(server.baseUrl, 'PATCH', `/api/conversations/${id}`, {
      token: admin,
      body: { assignee_id: (await server.kith.users.list())[0]!.id },
    });
    expect(toAdmin.status).toBe(200);
    const noContact = await api(server.baseUrl, 'POST', '/api/conversations', {
      token: admin,
      body: { inbox_id: inboxId, contact: { name: 'Anon' } },
    });
    expect(noContact.status).toBe(400);
    expect(noContact.body.error.message).toMatch(/contact: needs an id, identity, phone or email/);
    const badRule = await api(server.baseUrl, 'POST', '/api/rules', {
      token: admin,
      body: {
        name: 'x',
        event: 'conversation_created',
        conditions: { all: [{ attribute: 'status', operator: 'changed_to', value: 'open' }] },
        actions: [{ action: 'add_label', labels: ['x'] }],
      },
    });
    expect(badRule.status).toBe(400);
    expect(badRule.body.error.details[0]).toMatchObject({
      field: 'conditions.all[0].operator',
      value: 'changed_to',
    });
  });

  it('lists agents with their load and edits and deletes rules', async () => {
    const list = await api(server.baseUrl, 'GET', '/api/agents', { token: agents.a.token });
    expect(list.body.data.find((a: { user_id: string }) => a.user_id === agents.b.id)).toMatchObject({
      availability: 'online',
      inbox_ids: [inboxId],
    });
    const rules = await api(server.baseUrl, 'GET', '/api/rules', { token: admin });
    const id = rules.body.data[0].id;
    const off = await api(server.baseUrl, 'PATCH', `/api/rules/${id}`, {
      token: admin,
      body: { active: false },
    });
    expect(off.body.active).toBe(false);
    expect((await api(server.baseUrl, 'DELETE', `/api/rules/${id}`, { token: admin })).status).toBe(204);
    expect((await api(server.baseUrl, 'GET', `/api/rules/${id}`, { token: admin })).status).toBe(404);
  });

  it("lists each conversation with its last message's preview: notes left out, long text cut", async () => {
    const start = async (external: string, message?: string) => {
      const created = await api(server.baseUrl, 'POST', '/api/conversations', {
        token: admin,
        body: {
          inbox_id: inboxId,
          contact: { name: `Preview ${external}`, external_id: external },
          ...(message ? { message } : {}),
        },
      });
      expect(created.status).toBe(201);
      return created.body.id as string;
    };
    const say = async (id: string, direction: string, content: string) =>
      expect(
        (
          await api(server.baseUrl, 'POST', `/api/conversations/${id}/messages`, {
            token: admin,
            body: { direction, content },
          })
        ).status,
      ).toBe(201);
    const replied = await start('PREVIEW-1', '我的订单呢?');
    await say(replied, 'outgoing', 'It ships <b>today</b>.');
    await say(replied, 'note', 'VIP: call back if it does not arrive');
    const long = await start('PREVIEW-2', `${'长'.repeat(250)}`);
    const silent = await start('PREVIEW-3');
    // More conversations, each ending in a note after its message: the preview is the message.
    for (let i = 0; i < 5; i++) await say(await start(`PREVIEW-N${i}`, `hello ${i}`), 'note', 'a note');

    const list = await api(server.baseUrl, 'GET', `/api/conversations?inbox_id=${inboxId}&limit=500`, {
      token: admin,
    });
    expect(list.status).toBe(200);
    type Item = { id: string; last_message_at: string | null; last_message: Record<string, unknown> | null };
    const byId = new Map<string, Item>(list.body.data.map((c: Item) => [c.id, c]));
    const last = byId.get(replied)!;
    expect(last.last_message).toEqual({
      direction: 'outgoing',
      sender_type: 'user',
      content: 'It ships <b>today</b>.',
      created_at: last.last_message_at,
    });
    expect(byId.get(long)!.last_message).toMatchObject({
      direction: 'incoming',
      sender_type: 'contact',
      content: '长'.repeat(200),
    });
    expect(byId.get(silent)!.last_message).toBeNull();
    for (const item of byId.values())
      if (item.last_message) expect(item.last_message.direction).not.toBe('note');
    // The waiting order pages the same way and carries the previews too.
    const waiting = await api(
      server.baseUrl,
      'GET',
      `/api/conversations?inbox_id=${inboxId}&sort=waiting&limit=2`,
      { token: admin },
    );
    expect(waiting.body.data).toHaveLength(2);
    for (const item of waiting.body.data as Item[]) expect(item).toHaveProperty('last_message');
    const next = await api(
      server.baseUrl,
      'GET',
      `/api/conversations?inbox_id=${inboxId}&sort=waiting&limit=500&after=${waiting.body.next_after}`,
      { token: admin },
    );
    for (const item of next.body.data as Item[])
      expect(item.last_message).toEqual(byId.get(item.id)!.last_message);
  });
});
