/**
 * GET /api/live over real HTTP on a real store: a change written by another process reaches a
 * connected client within a second (the stream is read from the database, not from this process's
 * memory); a client reconnecting with Last-Event-ID is sent what it missed; an agent never receives a
 * conversation of an inbox they are not a member of; access and bad cursors answer clear errors.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { buildServer } from '../../src/server/app.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';
import { api, startTestServer, type TestServer } from '../support/test-server.js';

interface LiveEvent {
  id: string | null;
  event: string;
  data: string;
  receivedAt: number;
}

/** A minimal server-sent events reader over fetch: collects every event until closed. */
function openLive(baseUrl: string, auth: string | { cookie: string }, lastEventId?: string) {
  const events: LiveEvent[] = [];
  const controller = new AbortController();
  const headers: Record<string, string> =
    typeof auth === 'string' ? { authorization: `Bearer ${auth}` } : { cookie: auth.cookie };
  if (lastEventId) headers['last-event-id'] = lastEventId;
  const done = (async () => {
    const response = await fetch(`${baseUrl}/api/live`, { headers, signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event: LiveEvent = { id: null, event: 'message', data: '', receivedAt: Date.now() };
        let fields = 0;
        for (const line of frame.split('\n')) {
          const [key, ...rest] = line.split(':');
          const value = rest.join(':').replace(/^ /, '');
          if (key === 'id') event.id = value;
          else if (key === 'event') event.event = value;
          else if (key === 'data') event.data += value;
          else continue;
          fields++;
        }
        if (fields > 0) events.push(event);
      }
    }
  })().catch((e: Error) => {
    if (e.name !== 'AbortError') throw e;
  });
  const waitFor = async (predicate: (e: LiveEvent) => boolean, ms = 5000): Promise<LiveEvent> => {
    const until = Date.now() + ms;
    for (;;) {
      const found = events.find(predicate);
      if (found) return found;
      if (Date.now() > until)
        throw new Error(`no such live event within ${ms} ms: ${JSON.stringify(events)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  let ended = false;
  void done.then(() => (ended = true));
  return {
    events,
    waitFor,
    /** Whether the server ended the stream (the reader saw its end). */
    ended: () => ended,
    /** Resolves true once the server ends the stream, false when it is still open after `ms`. */
    endsWithin: async (ms: number) => {
      const until = Date.now() + ms;
      while (!ended && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
      return ended;
    },
    conversationEvents: () =>
      events.filter((e) => e.event === 'conversation').map((e) => JSON.parse(e.data) as Record<string, any>),
    close: async () => {
      controller.abort();
      await done;
    },
  };
}

/** Adds a message from a separate Node.js process with its own connection to the same database. */
function messageFromAnotherProcess(
  env: Record<string, string>,
  conversationId: string,
  content: string,
): Promise<{ created_at: string }> {
  const root = path.resolve(import.meta.dirname, '../..');
  const script = `
    const { loadConfig } = await import('./src/config.ts');
    const { openKith } = await import('./src/services.ts');
    const kith = await openKith(loadConfig(process.env));
    const m = await kith.conversations.addMessage(${JSON.stringify(conversationId)},
      { direction: 'incoming', content: ${JSON.stringify(content)} }, { userId: null, channel: 'api' });
    process.stdout.write(JSON.stringify(m));
    await kith.close();`;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '-e', script],
      { cwd: root, env: { ...process.env, ...env }, timeout: 60_000 },
      (error, stdout, stderr) =>
        error ? reject(new Error(stderr || error.message)) : resolve(JSON.parse(stdout)),
    );
  });
}

describe(`the live stream on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let member: string;
  let memberId: string;
  let outsider: string;
  let inboxId: string;
  let otherInboxId: string;
  let conversationId: string;

  beforeAll(async () => {
    server = await startTestServer();
    const { users, tokens } = server.kith;
    const boss = await users.create(
      { email: 'admin@example.com', password: 'correct horse', role: 'admin' },
      SYSTEM_ACTOR,
    );
    admin = (await tokens.create(boss.id, 'tests', SYSTEM_ACTOR)).token;
    const ids: Record<string, string> = {};
    for (const name of ['member', 'outsider']) {
      const u = await users.create(
        { email: `${name}@example.com`, password: 'battery staple', role: 'agent' },
        SYSTEM_ACTOR,
      );
      ids[name] = u.id;
      const token = (await tokens.create(u.id, 'tests', SYSTEM_ACTOR)).token;
      if (name === 'member') [member, memberId] = [token, u.id];
      else outsider = token;
    }
    inboxId = (await api(server.baseUrl, 'POST', '/api/inboxes', { token: admin, body: { name: 'Support' } }))
      .body.id;
    otherInboxId = (
      await api(server.baseUrl, 'POST', '/api/inboxes', { token: admin, body: { name: 'Sales' } })
    ).body.id;
    await api(server.baseUrl, 'POST', `/api/inboxes/${inboxId}/members`, {
      token: admin,
      body: { user_id: ids.member },
    });
    await api(server.baseUrl, 'POST', `/api/inboxes/${otherInboxId}/members`, {
      token: admin,
      body: { user_id: ids.outsider },
    });
    const created = await api(server.baseUrl, 'POST', '/api/conversations', {
      token: admin,
      body: { inbox_id: inboxId, contact: { name: 'Li Lei', phone: '13800138000' }, message: 'Hello' },
    });
    expect(created.status).toBe(201);
    conversationId = created.body.id;
  });
  afterAll(async () => {
    await server.close();
  });

  it('delivers a message written by another process within a second', async () => {
    const live = openLive(server.baseUrl, member);
    await live.waitFor((e) => e.event === 'ready');
    const message = await messageFromAnotherProcess(
      server.kith.database.env,
      conversationId,
      'Where is my order?',
    );
    const event = await live.waitFor(
      (e) => e.event === 'conversation' && e.data.includes('Where is my order?'),
    );
    expect(event.receivedAt - Date.parse(message.created_at)).toBeLessThan(1000);
    const data = JSON.parse(event.data);
    expect(data).toMatchObject({
      kind: 'message',
      conversation: { id: conversationId, inbox_id: inboxId },
      message: { direction: 'incoming', content: 'Where is my order?' },
    });
    expect(event.id).toBe(String(data.seq));
    await live.close();
  }, 60_000);

  it('sends what a reconnecting client missed after its Last-Event-ID, then goes on live', async () => {
    const first = openLive(server.baseUrl, member);
    await first.waitFor((e) => e.event === 'ready');
    await api(server.baseUrl, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: member,
      body: { direction: 'outgoing', content: 'Let me check' },
    });
    const seen = await first.waitFor((e) => e.data.includes('Let me check'));
    await first.close();
    // Missed while away: a note and a resolution.
    await api(server.baseUrl, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: member,
      body: { direction: 'note', content: 'Order 42 is late' },
    });
    await api(server.baseUrl, 'PATCH', `/api/conversations/${conversationId}`, {
      token: member,
      body: { status: 'resolved' },
    });
    const again = openLive(server.baseUrl, member, seen.id!);
    await again.waitFor((e) => e.event === 'ready');
    const missed = again.conversationEvents();
    expect(missed.map((e) => e.kind)).toEqual(['message', 'updated']);
    expect(missed[0]!.message.content).toBe('Order 42 is late');
    expect(missed[1]!.conversation.status).toBe('resolved');
    // And live after the catch-up: a customer message reopens it.
    await api(server.baseUrl, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: admin,
      body: { direction: 'incoming', content: 'Still waiting' },
    });
    const reopened = await again.waitFor((e) => e.data.includes('Still waiting'));
    expect(JSON.parse(reopened.data).conversation.status).toBe('open');
    await again.close();
  });

  it('never sends an agent a conversation of an inbox they are not a member of', async () => {
    const insider = openLive(server.baseUrl, member);
    const outside = openLive(server.baseUrl, outsider);
    const boss = openLive(server.baseUrl, admin);
    await Promise.all([insider, outside, boss].map((c) => c.waitFor((e) => e.event === 'ready')));
    await api(server.baseUrl, 'POST', `/api/conversations/${conversationId}/messages`, {
      token: member,
      body: { direction: 'note', content: 'Support only' },
    });
    const sales = await api(server.baseUrl, 'POST', '/api/conversations', {
      token: admin,
      body: {
        inbox_id: otherInboxId,
        contact: { name: 'Han Meimei', email: 'mei@example.com' },
        message: 'Sales only',
      },
    });
    await Promise.all([
      insider.waitFor((e) => e.data.includes('Support only')),
      outside.waitFor((e) => e.data.includes('Sales only')),
      boss.waitFor((e) => e.data.includes('Sales only')),
    ]);
    const supportOnly = await boss.waitFor((e) => e.data.includes('Support only'));
    // Everything written so far has been fanned out (the admin saw the last one): nothing else comes.
    expect(insider.conversationEvents().every((e) => e.conversation.inbox_id === inboxId)).toBe(true);
    expect(outside.conversationEvents().map((e) => e.conversation.id)).toEqual([sales.body.id]);
    // The outsider's Last-Event-ID still moved past what they may not see (an id-only frame).
    const last = outside.events.filter((e) => e.id !== null).map((e) => Number(e.id));
    expect(Math.max(...last)).toBeGreaterThanOrEqual(Number(supportOnly.id));
    // Catching up applies the same rule.
    const replay = openLive(server.baseUrl, outsider, '0');
    await replay.waitFor((e) => e.event === 'ready');
    expect(replay.conversationEvents().every((e) => e.conversation.inbox_id === otherInboxId)).toBe(true);
    await Promise.all([insider, outside, boss, replay].map((c) => c.close()));
  });

  it("lists the longest waiting first with the tabs' counts, and names who acted (agent or rule)", async () => {
    const rule = await api(server.baseUrl, 'POST', '/api/rules', {
      token: admin,
      body: {
        name: 'Tag VIP',
        event: 'conversation_created',
        conditions: { all: [{ attribute: 'inbox_id', operator: 'equal_to', value: inboxId }] },
        actions: [{ action: 'add_label', labels: ['vip'] }],
      },
    });
    expect(rule.status).toBe(201);
    const ids: string[] = [];
    for (const name of ['Wang', 'Zhao', 'Qian']) {
      const c = await api(server.baseUrl, 'POST', '/api/conversations', {
        token: admin,
        body: { inbox_id: inboxId, contact: { name, email: `${name}@example.com` }, message: `from ${name}` },
      });
      ids.push(c.body.id);
    }
    // Zhao is answered: the last message is now theirs, so they have waited least.
    await api(server.baseUrl, 'POST', `/api/conversations/${ids[1]}/messages`, {
      token: member,
      body: { direction: 'outgoing', content: 'On it' },
    });
    const waiting = await api(
      server.baseUrl,
      'GET',
      `/api/conversations?inbox_id=${inboxId}&status=open&sort=waiting&limit=2`,
      {
        token: member,
      },
    );
    expect(waiting.status).toBe(200);
    const page2 = await api(
      server.baseUrl,
      'GET',
      `/api/conversations?inbox_id=${inboxId}&status=open&sort=waiting&limit=2&after=${waiting.body.next_after}`,
      { token: member },
    );
    const order = [...waiting.body.data, ...page2.body.data].map((c: { id: string }) => c.id);
    expect(order.filter((id) => ids.includes(id))).toEqual([ids[0], ids[2], ids[1]]);
    await api(server.baseUrl, 'PATCH', `/api/conversations/${ids[0]}`, {
      token: admin,
      body: { assignee_id: memberId },
    });
    const counts = await api(
      server.baseUrl,
      'GET',
      `/api/conversations/counts?inbox_id=${inboxId}&status=open`,
      {
        token: member,
      },
    );
    expect(counts.body).toEqual({ mine: 1, unassigned: order.length - 1, all: order.length, capped: false });
    const outsiderCounts = await api(server.baseUrl, 'GET', `/api/conversations/counts?status=open`, {
      token: outsider,
    });
    const outsiderList = await api(server.baseUrl, 'GET', `/api/conversations?status=open`, {
      token: outsider,
    });
    expect(outsiderCounts.body.all).toBe(outsiderList.body.data.length);
    expect(outsiderList.body.data.every((c: { inbox_id: string }) => c.inbox_id === otherInboxId)).toBe(true);
    const events = await api(server.baseUrl, 'GET', `/api/conversations/${ids[0]}/events`, { token: member });
    expect(events.body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'labels_changed', channel: 'automation', actor_name: 'Tag VIP' }),
        expect.objectContaining({ type: 'assigned', actor_name: 'admin@example.com' }),
      ]),
    );
    const messages = await api(server.baseUrl, 'GET', `/api/conversations/${ids[1]}/messages`, {
      token: member,
    });
    expect(messages.body.data.map((m: { sender_name: string | null }) => m.sender_name)).toEqual([
      null,
      'member@example.com',
    ]);
  });

  it('refuses callers without credentials and names a bad Last-Event-ID', async () => {
    const anonymous = await fetch(`${server.baseUrl}/api/live`);
    expect(anonymous.status).toBe(401);
    const bad = await api(server.baseUrl, 'GET', '/api/live', {
      token: member,
      headers: { 'last-event-id': 'yesterday' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/Last-Event-ID/);
    expect(bad.body.error.message).toMatch(/yesterday/);
  });
});

describe(`the live stream once its credential no longer holds, on ${TEST_DIALECT}`, () => {
  // Credentials are checked again every 100 ms here (5 s by default).
  let kith: TestKith;
  let app: Awaited<ReturnType<typeof buildServer>>;
  let baseUrl: string;
  let admin: string;
  let inboxId: string;
  let conversationId: string;

  /** An agent in the inbox (or an admin in none), with a token. */
  const newUser = async (email: string, role: 'agent' | 'admin' = 'agent') => {
    const user = await kith.users.create({ email, password: 'battery staple', role }, SYSTEM_ACTOR);
    if (role === 'agent')
      await api(baseUrl, 'POST', `/api/inboxes/${inboxId}/members`, {
        token: admin,
        body: { user_id: user.id },
      });
    const token = await kith.tokens.create(user.id, 'tests', SYSTEM_ACTOR);
    return { id: user.id, token: token.token, tokenId: token.id };
  };
  const say = async (content: string) =>
    expect(
      (
        await api(baseUrl, 'POST', `/api/conversations/${conversationId}/messages`, {
          token: admin,
          body: { direction: 'incoming', content },
        })
      ).status,
    ).toBe(201);

  beforeAll(async () => {
    kith = await createTestKith();
    app = await buildServer(kith, { live: { recheckMs: 100 } });
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    const boss = await kith.users.create(
      { email: 'admin@example.com', password: 'correct horse', role: 'admin' },
      SYSTEM_ACTOR,
    );
    admin = (await kith.tokens.create(boss.id, 'tests', SYSTEM_ACTOR)).token;
    inboxId = (await api(baseUrl, 'POST', '/api/inboxes', { token: admin, body: { name: 'Support' } })).body
      .id;
    conversationId = (
      await api(baseUrl, 'POST', '/api/conversations', {
        token: admin,
        body: { inbox_id: inboxId, contact: { name: 'Li Lei', phone: '13800138000' }, message: 'Hello' },
      })
    ).body.id;
  });
  afterAll(async () => {
    await app.close();
    await kith.destroy();
  });

  it('ends the stream of a revoked token, and sends it nothing written after', async () => {
    const agent = await newUser('revoked@example.com');
    const live = openLive(baseUrl, agent.token);
    await live.waitFor((e) => e.event === 'ready');
    await say('before revocation');
    await live.waitFor((e) => e.data.includes('before revocation'));
    expect(
      (await api(baseUrl, 'DELETE', `/api/tokens/${agent.tokenId}`, { token: agent.token })).status,
    ).toBe(204);
    expect(await live.endsWithin(2000)).toBe(true);
    await say('after revocation');
    await new Promise((r) => setTimeout(r, 500));
    expect(live.events.some((e) => e.data.includes('after revocation'))).toBe(false);
    await live.close();
  });

  it('ends the stream of a signed-out session', async () => {
    await newUser('session@example.com');
    const login = await fetch(`${baseUrl}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'session@example.com', password: 'battery staple' }),
    });
    expect(login.status).toBe(200);
    const jar = Object.fromEntries(
      login.headers.getSetCookie().map((c) => c.split(';')[0]!.split('=') as [string, string]),
    );
    const cookie = `kith_session=${jar.kith_session}; kith_csrf=${jar.kith_csrf}`;
    const live = openLive(baseUrl, { cookie });
    await live.waitFor((e) => e.event === 'ready');
    const out = await api(baseUrl, 'POST', '/api/auth/logout', {
      cookie,
      headers: { 'x-csrf-token': jar.kith_csrf! },
    });
    expect(out.status).toBe(204);
    expect(await live.endsWithin(2000)).toBe(true);
    await live.close();
  });

  it('ends the stream of a user who is disabled', async () => {
    const agent = await newUser('disabled@example.com');
    const live = openLive(baseUrl, agent.token);
    await live.waitFor((e) => e.event === 'ready');
    expect(
      (await api(baseUrl, 'PATCH', `/api/users/${agent.id}`, { token: admin, body: { disabled: true } }))
        .status,
    ).toBe(200);
    expect(await live.endsWithin(2000)).toBe(true);
    await live.close();
  });

  it('serves an admin who became an agent as an agent: no longer the inboxes they are not in', async () => {
    const former = await newUser('former-admin@example.com', 'admin');
    const live = openLive(baseUrl, former.token);
    await live.waitFor((e) => e.event === 'ready');
    await say('seen as admin');
    await live.waitFor((e) => e.data.includes('seen as admin'));
    expect(
      (await api(baseUrl, 'PATCH', `/api/users/${former.id}`, { token: admin, body: { role: 'agent' } }))
        .status,
    ).toBe(200);
    await new Promise((r) => setTimeout(r, 500));
    await say('not for agents outside the inbox');
    await new Promise((r) => setTimeout(r, 800));
    expect(live.events.some((e) => e.data.includes('not for agents outside the inbox'))).toBe(false);
    expect(live.ended()).toBe(false);
    await live.close();
  });

  it('keeps serving a caller whose credential still holds', async () => {
    const agent = await newUser('steady@example.com');
    const live = openLive(baseUrl, agent.token);
    await live.waitFor((e) => e.event === 'ready');
    await new Promise((r) => setTimeout(r, 500));
    await say('still here');
    await live.waitFor((e) => e.data.includes('still here'));
    expect(live.ended()).toBe(false);
    await live.close();
  });
});

describe(`live streams one user may hold on ${TEST_DIALECT}`, () => {
  // Two here (20 by default).
  let kith: TestKith;
  let app: Awaited<ReturnType<typeof buildServer>>;
  let baseUrl: string;

  beforeAll(async () => {
    kith = await createTestKith();
    app = await buildServer(kith, { live: { maxStreamsPerUser: 2 } });
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await kith.destroy();
  });

  it('refuses one stream more than a user may hold, in words, and frees the place when one closes', async () => {
    const token = async (email: string) => {
      const user = await kith.users.create(
        { email, password: 'battery staple', role: 'agent' },
        SYSTEM_ACTOR,
      );
      return (await kith.tokens.create(user.id, 'tests', SYSTEM_ACTOR)).token;
    };
    const greedy = await token('greedy@example.com');
    // A second token of the same user counts with the first.
    const user = (await kith.users.list()).find((u) => u.email === 'greedy@example.com')!;
    const second = (await kith.tokens.create(user.id, 'another', SYSTEM_ACTOR)).token;
    const first = openLive(baseUrl, greedy);
    const other = openLive(baseUrl, second);
    await first.waitFor((e) => e.event === 'ready');
    await other.waitFor((e) => e.event === 'ready');

    const refused = await api(baseUrl, 'GET', '/api/live', { token: greedy });
    expect(refused.status).toBe(429);
    expect(refused.body.error).toMatchObject({ code: 'too_many_streams', details: { limit: 2 } });
    expect(refused.body.error.message).toBe(
      'this user already has 2 live streams open (GET /api/live: one per browser tab or program), the most one user may hold; close one before opening another',
    );
    // Another user is not affected.
    const neighbour = openLive(baseUrl, await token('neighbour@example.com'));
    await neighbour.waitFor((e) => e.event === 'ready');

    await first.close();
    // The server hears the close shortly after: the place is free again.
    const statusOf = async () => {
      const controller = new AbortController();
      const response = await fetch(`${baseUrl}/api/live`, {
        headers: { authorization: `Bearer ${greedy}` },
        signal: controller.signal,
      });
      controller.abort();
      return response.status;
    };
    let status = await statusOf();
    for (let i = 0; status !== 200 && i < 50; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await statusOf();
    }
    expect(status).toBe(200);
    await other.close();
    await neighbour.close();
  });
});
