/**
 * What the web app's administration screens need beyond the conversations API's own tests: teams renamed
 * and members taken off, and the automation rules list with each rule's last run and failures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { answersAtOnce } from '../support/at-once.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { api, startTestServer, type TestServer } from '../support/test-server.js';

describe(`conversation administration API on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let agent: { id: string; token: string };

  beforeAll(async () => {
    server = await startTestServer();
    const { users, tokens } = server.kith;
    const boss = await users.create(
      { email: 'admin@example.com', password: 'correct horse', role: 'admin' },
      SYSTEM_ACTOR,
    );
    admin = (await tokens.create(boss.id, 'tests', SYSTEM_ACTOR)).token;
    const u = await users.create(
      { email: 'a@example.com', password: 'battery staple', role: 'agent' },
      SYSTEM_ACTOR,
    );
    agent = { id: u.id, token: (await tokens.create(u.id, 'tests', SYSTEM_ACTOR)).token };
  });
  afterAll(async () => {
    await server.close();
  });

  it('renames teams and takes members off them; agents may not', async () => {
    const created = await api(server.baseUrl, 'POST', '/api/teams', {
      token: admin,
      body: { name: 'Sales' },
    });
    expect(created.status).toBe(201);
    const other = await api(server.baseUrl, 'POST', '/api/teams', { token: admin, body: { name: 'VIP' } });
    const id: string = created.body.id;
    await api(server.baseUrl, 'POST', `/api/teams/${id}/members`, {
      token: admin,
      body: { user_id: agent.id },
    });

    const renamed = await api(server.baseUrl, 'PATCH', `/api/teams/${id}`, {
      token: admin,
      body: { name: '  Pre-sales ' },
    });
    expect(renamed.status).toBe(200);
    expect(renamed.body).toMatchObject({ name: 'Pre-sales', member_ids: [agent.id] });
    const taken = await api(server.baseUrl, 'PATCH', `/api/teams/${id}`, {
      token: admin,
      body: { name: 'vip' },
    });
    expect(taken.status).toBe(409);
    const empty = await api(server.baseUrl, 'PATCH', `/api/teams/${id}`, {
      token: admin,
      body: { name: ' ' },
    });
    expect(empty.status).toBe(400);
    expect(empty.body.error.details).toMatchObject({ field: 'name', reason: 'is required' });
    expect(
      (await api(server.baseUrl, 'PATCH', `/api/teams/${id}`, { token: agent.token, body: { name: 'X' } }))
        .status,
    ).toBe(403);

    const removed = await api(server.baseUrl, 'DELETE', `/api/teams/${id}/members/${agent.id}`, {
      token: admin,
    });
    expect(removed.status).toBe(200);
    expect(removed.body.member_ids).toEqual([]);
    const again = await api(server.baseUrl, 'DELETE', `/api/teams/${id}/members/${agent.id}`, {
      token: admin,
    });
    expect(again.status).toBe(404);
    expect((await api(server.baseUrl, 'GET', '/api/teams', { token: agent.token })).body.data).toHaveLength(
      2,
    );
    expect(other.status).toBe(201);
  });

  it('refuses an inbox name holding control characters, naming the field; nothing is written', async () => {
    const refused = await api(server.baseUrl, 'POST', '/api/inboxes', {
      token: admin,
      body: { name: '\u0000\u0007' },
    });
    expect(refused.status).toBe(400);
    // Refused for what it holds (it was dropped, leaving the name blank: "is required").
    expect(refused.body.error.details).toMatchObject({ field: 'name', value: '\u0000\u0007' });
    expect(refused.body.error.details.reason).toMatch(/^holds the NUL character/);
    const inbox = await api(server.baseUrl, 'POST', '/api/inboxes', { token: admin, body: { name: 'Mail' } });
    const renamed = await api(server.baseUrl, 'PATCH', `/api/inboxes/${inbox.body.id}`, {
      token: admin,
      body: { name: '\u0000' },
    });
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.details).toMatchObject({ field: 'name', value: '\u0000' });
    expect(renamed.body.error.details.reason).toMatch(/^holds the NUL character/);
    const after = await api(server.baseUrl, 'GET', `/api/inboxes/${inbox.body.id}`, { token: admin });
    expect(after.body.name).toBe('Mail');
    const names = (await api(server.baseUrl, 'GET', '/api/inboxes', { token: admin })).body.data.map(
      (i: { name: string }) => i.name,
    );
    expect(names).not.toContain('');
  });

  it('lists automation rules with their last run and failures', async () => {
    const inbox = await api(server.baseUrl, 'POST', '/api/inboxes', { token: admin, body: { name: 'Web' } });
    const rule = await api(server.baseUrl, 'POST', '/api/rules', {
      token: admin,
      body: {
        name: 'Unassign on resolve',
        event: 'conversation_resolved',
        actions: [{ action: 'assign_agent', agent_id: null }],
      },
    });
    expect(rule.status).toBe(201);
    expect(rule.body).toMatchObject({ last_run_at: null, failures: 0 });
    const started = await api(server.baseUrl, 'POST', '/api/conversations', {
      token: admin,
      body: {
        inbox_id: inbox.body.id,
        contact: { name: 'Li Lei', email: 'li@example.com' },
        message: 'hello',
      },
    });
    await api(server.baseUrl, 'PATCH', `/api/conversations/${started.body.id}`, {
      token: admin,
      body: { status: 'resolved' },
    });
    const list = await api(server.baseUrl, 'GET', '/api/rules', { token: admin });
    const listed = list.body.data.find((r: { id: string }) => r.id === rule.body.id);
    expect(listed.failures).toBe(0);
    expect(Date.parse(listed.last_run_at)).toBeGreaterThan(Date.now() - 60_000);
    const one = await api(server.baseUrl, 'GET', `/api/rules/${rule.body.id}`, { token: admin });
    expect(one.body.last_run_at).toBe(listed.last_run_at);
    const off = await api(server.baseUrl, 'PATCH', `/api/rules/${rule.body.id}`, {
      token: admin,
      body: { active: false },
    });
    expect(off.body).toMatchObject({ active: false, last_run_at: listed.last_run_at });
    const logs = await api(server.baseUrl, 'GET', `/api/rules/${rule.body.id}/logs?limit=1`, {
      token: admin,
    });
    const older = await api(
      server.baseUrl,
      'GET',
      `/api/rules/${rule.body.id}/logs?before=${logs.body.data[0].id}`,
      { token: admin },
    );
    expect(older.status).toBe(200);
    // Compared as text, "zzz" answered the newest entries as if they came before it.
    const refused = await api(server.baseUrl, 'GET', `/api/rules/${rule.body.id}/logs?before=zzz`, {
      token: admin,
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details).toMatchObject([{ field: 'before', value: 'zzz' }]);
  });

  it('gives rules created at once each a position of its own, after the last', async () => {
    for (let round = 0; round < 3; round++) {
      let n = 0;
      const answers = await answersAtOnce(() =>
        api(server.baseUrl, 'POST', '/api/rules', {
          token: admin,
          body: {
            name: `At once ${round}.${n++}`,
            event: 'conversation_created',
            actions: [{ action: 'set_priority', priority: 'low' }],
          },
        }),
      );
      expect(answers.map((a) => a.status)).toEqual([201, 201, 201, 201, 201]);
      const positions = answers.map((a) => a.body.position as number);
      expect(new Set(positions).size, JSON.stringify(positions)).toBe(positions.length);
      const list = (await api(server.baseUrl, 'GET', '/api/rules', { token: admin })).body.data as {
        id: string;
        position: number;
      }[];
      // The new ones come last, each on a place of its own.
      const all = list.map((r) => r.position);
      expect(new Set(all).size, JSON.stringify(all)).toBe(all.length);
      expect(
        list
          .slice(-5)
          .map((r) => r.id)
          .sort(),
      ).toEqual(answers.map((a) => a.body.id).sort());
    }
  });

  it('keeps both of two changes to a rule saved at once: a rename does not switch back on a rule switched off', async () => {
    const rule = await api(server.baseUrl, 'POST', '/api/rules', {
      token: admin,
      body: {
        name: 'Both kept',
        event: 'conversation_created',
        actions: [{ action: 'set_priority', priority: 'high' }],
      },
    });
    for (let round = 0; round < 4; round++) {
      const answers = await Promise.all([
        api(server.baseUrl, 'PATCH', `/api/rules/${rule.body.id}`, {
          token: admin,
          body: { name: `Renamed ${round}` },
        }),
        api(server.baseUrl, 'PATCH', `/api/rules/${rule.body.id}`, { token: admin, body: { active: false } }),
      ]);
      expect(answers.map((a) => a.status)).toEqual([200, 200]);
      const now = await api(server.baseUrl, 'GET', `/api/rules/${rule.body.id}`, { token: admin });
      expect(now.body).toMatchObject({ name: `Renamed ${round}`, active: false });
      await api(server.baseUrl, 'PATCH', `/api/rules/${rule.body.id}`, {
        token: admin,
        body: { active: true },
      });
    }
  });

  it("reports each agent's median first-response and resolution times", async () => {
    const inbox = await api(server.baseUrl, 'POST', '/api/inboxes', {
      token: admin,
      body: { name: 'Times' },
    });
    await api(server.baseUrl, 'POST', `/api/inboxes/${inbox.body.id}/members`, {
      token: admin,
      body: { user_id: agent.id },
    });
    const from = new Date(Date.now() - 60_000).toISOString();
    const started = await api(server.baseUrl, 'POST', '/api/conversations', {
      token: admin,
      body: { inbox_id: inbox.body.id, contact: { email: 'times@example.com' }, message: 'hi' },
    });
    for (const content of ['first reply', 'second reply'])
      expect(
        (
          await api(server.baseUrl, 'POST', `/api/conversations/${started.body.id}/messages`, {
            token: agent.token,
            body: { direction: 'outgoing', content },
          })
        ).status,
      ).toBe(201);
    await api(server.baseUrl, 'PATCH', `/api/conversations/${started.body.id}`, {
      token: agent.token,
      body: { status: 'resolved' },
    });
    const report = await api(server.baseUrl, 'GET', `/api/reports/agents?from=${encodeURIComponent(from)}`, {
      token: admin,
    });
    expect(report.status).toBe(200);
    const mine = report.body.data.find((r: { user_id: string }) => r.user_id === agent.id);
    expect(mine.resolved).toBe(1);
    expect(mine.median_first_response_seconds).toBeGreaterThanOrEqual(0);
    expect(mine.median_first_response_seconds).toBeLessThan(60);
    expect(mine.median_resolution_seconds).toBeGreaterThanOrEqual(mine.median_first_response_seconds);
    const boss = report.body.data.find((r: { user_id: string }) => r.user_id !== agent.id);
    expect(boss).toMatchObject({ median_first_response_seconds: null });
    // A period after the replies has no first responses in it.
    const later = await api(
      server.baseUrl,
      'GET',
      `/api/reports/agents?from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`,
      { token: admin },
    );
    expect(later.body.data.find((r: { user_id: string }) => r.user_id === agent.id)).toMatchObject({
      resolved: 0,
      median_first_response_seconds: null,
      median_resolution_seconds: null,
    });
  });

  it('adds a member to an inbox or a team once when the same add is sent several times at once, never a 500', async () => {
    for (let round = 0; round < 3; round++) {
      const inbox = await api(server.baseUrl, 'POST', '/api/inboxes', {
        token: admin,
        body: { name: `Twice ${round}` },
      });
      const team = await api(server.baseUrl, 'POST', '/api/teams', {
        token: admin,
        body: { name: `Twice ${round}` },
      });
      for (const path of [`/api/inboxes/${inbox.body.id}/members`, `/api/teams/${team.body.id}/members`]) {
        const answers = await Promise.all(
          [1, 2, 3, 4, 5].map(() =>
            api(server.baseUrl, 'POST', path, { token: admin, body: { user_id: agent.id } }),
          ),
        );
        expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
        for (const a of answers) expect(a.body.member_ids).toEqual([agent.id]);
      }
      const audit = await server.kith.store.db
        .selectFrom('audit_log')
        .select('action')
        .where('entity_id', '=', inbox.body.id)
        .where('action', '=', 'member_added')
        .execute();
      expect(audit).toHaveLength(1);
    }
  });
});
