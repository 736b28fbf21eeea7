/**
 * The settings area over real HTTP: one's own profile (name, language, password, other sessions),
 * users, tokens, identity types, attributes, tags (rename and merge), groups and webhooks (with a
 * test event through the outbound guard), each change in the audit log that admins browse.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { signWebhook } from '../../src/sync/webhooks/webhook-signature.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { api, type ApiResponse, startTestServer, type TestServer } from '../support/test-server.js';
import { auditEntries, statusesAtOnce } from '../support/at-once.js';

interface Browser {
  cookie: string;
  csrf: string;
}

/** What a browser keeps from a sign-in: its cookies, and the CSRF token its page echoes on writes. */
function browserOf(response: ApiResponse): Browser {
  const pairs = response.headers.getSetCookie().map((c) => c.split(';')[0]!);
  const csrf = pairs.find((p) => p.startsWith('kith_csrf='))?.slice('kith_csrf='.length) ?? '';
  return { cookie: pairs.join('; '), csrf };
}

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

describe(`settings over HTTP on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let agent: string;
  let adminId: string;
  let agentId: string;
  let receiver: http.Server;
  let receiverUrl: string;
  const received: Received[] = [];

  const call = (method: string, path: string, options: Parameters<typeof api>[3] = {}) =>
    api(server.baseUrl, method, path, options);
  /** A cookie-authenticated call, as the web app makes it. */
  const asBrowser = (browser: Browser, method: string, path: string, body?: unknown) =>
    call(method, path, {
      cookie: browser.cookie,
      body,
      headers: method === 'GET' ? {} : { 'x-csrf-token': browser.csrf },
    });
  const signIn = async (email: string, password: string) => {
    const response = await call('POST', '/api/auth/login', { body: { email, password } });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return browserOf(response);
  };
  const audit = async (query: string) => {
    const response = await call('GET', `/api/audit?${query}`, { token: admin });
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body as {
      data: {
        id: string;
        entity_type: string;
        entity_id: string;
        entity_name: string | null;
        action: string;
        changes: { field: string; old: unknown; new: unknown }[];
        actor: { id: string; email: string } | null;
        channel: string;
      }[];
      next_cursor: string | null;
    };
  };

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push({ headers: req.headers, body });
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    receiverUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/kith`;
    // The receiver is on this machine: outgoing requests may reach it only because it is listed.
    server = await startTestServer({ KITH_OUTBOUND_ALLOW: '127.0.0.1' });
    const { users, tokens } = server.kith;
    const boss = await users.create(
      { email: 'boss@example.com', password: 'boss password 1', role: 'admin', name: 'Boss' },
      SYSTEM_ACTOR,
    );
    const staff = await users.create(
      { email: 'staff@example.com', password: 'staff password 1', role: 'agent', name: 'Staff' },
      SYSTEM_ACTOR,
    );
    adminId = boss.id;
    agentId = staff.id;
    admin = (await tokens.create(boss.id, 'tests', SYSTEM_ACTOR)).token;
    agent = (await tokens.create(staff.id, 'tests', SYSTEM_ACTOR)).token;
  });
  afterAll(async () => {
    await server.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });

  describe('own profile', () => {
    it('changes name and language, refuses an unknown language on its field, and remembers the language', async () => {
      const browser = await signIn('staff@example.com', 'staff password 1');
      const me = await asBrowser(browser, 'GET', '/api/auth/me');
      expect(me.body).toMatchObject({ email: 'staff@example.com', language: null });

      const changed = await asBrowser(browser, 'PATCH', '/api/auth/me', {
        name: '  Li  Staff ',
        language: 'zh',
      });
      expect(changed.status, JSON.stringify(changed.body)).toBe(200);
      expect(changed.body).toMatchObject({ name: 'Li Staff', language: 'zh', role: 'agent' });

      const wrong = await asBrowser(browser, 'PATCH', '/api/auth/me', { language: 'fr' });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.details).toMatchObject({ field: 'language', value: 'fr' });
      // A role sent with it is refused, not ignored as if changed; the password is not repeated back.
      const promote = await asBrowser(browser, 'PATCH', '/api/auth/me', {
        role: 'admin',
        password: 'a secret new password',
      });
      expect(promote.status).toBe(400);
      expect(promote.body.error.message).toMatch(/role/);
      expect(JSON.stringify(promote.body)).not.toContain('a secret new password');

      // Another sign-in (another browser) gets the stored language.
      const again = await call('POST', '/api/auth/login', {
        body: { email: 'staff@example.com', password: 'staff password 1' },
      });
      expect(again.body).toMatchObject({ language: 'zh', name: 'Li Staff' });

      // A write without the CSRF header is refused, as every cookie-authenticated write is.
      const forged = await call('PATCH', '/api/auth/me', {
        cookie: browser.cookie,
        body: { language: 'en' },
      });
      expect(forged.status).toBe(403);

      const entries = await audit(`entity_type=user&entity_id=${agentId}`);
      expect(entries.data[0]).toMatchObject({
        action: 'updated',
        channel: 'ui',
        actor: { id: agentId, email: 'staff@example.com' },
        changes: [
          { field: 'name', old: 'Staff', new: 'Li Staff' },
          { field: 'language', old: null, new: 'zh' },
        ],
      });
    });

    it('changes the password only with the current one, ending the other sessions but not this one', async () => {
      const here = await signIn('staff@example.com', 'staff password 1');
      const elsewhere = await signIn('staff@example.com', 'staff password 1');

      const missing = await asBrowser(here, 'PATCH', '/api/auth/me', { password: 'a new password 2' });
      expect(missing.status).toBe(400);
      expect(missing.body.error.details).toMatchObject({ field: 'current_password' });
      const wrong = await asBrowser(here, 'PATCH', '/api/auth/me', {
        password: 'a new password 2',
        current_password: 'not it at all',
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.details).toMatchObject({
        field: 'current_password',
        value: '***',
        reason: 'is not your current password',
      });
      const short = await asBrowser(here, 'PATCH', '/api/auth/me', {
        password: 'short',
        current_password: 'staff password 1',
      });
      expect(short.status).toBe(400);
      expect(short.body.error.details).toMatchObject({ field: 'password' });
      // The current password alone changes nothing: refused, not a 200 that looks saved.
      const alone = await asBrowser(here, 'PATCH', '/api/auth/me', { current_password: 'staff password 1' });
      expect(alone.status).toBe(400);
      expect(alone.body.error.details).toMatchObject({
        field: 'password',
        reason: expect.stringMatching(/^is required/),
      });
      // Nothing of a refused change is kept.
      expect((await asBrowser(elsewhere, 'GET', '/api/auth/me')).status).toBe(200);

      const ok = await asBrowser(here, 'PATCH', '/api/auth/me', {
        password: 'a new password 2',
        current_password: 'staff password 1',
      });
      expect(ok.status, JSON.stringify(ok.body)).toBe(200);
      expect((await asBrowser(here, 'GET', '/api/auth/me')).status).toBe(200);
      expect((await asBrowser(elsewhere, 'GET', '/api/auth/me')).status).toBe(401);
      expect(
        (
          await call('POST', '/api/auth/login', {
            body: { email: 'staff@example.com', password: 'staff password 1' },
          })
        ).status,
      ).toBe(401);
      await signIn('staff@example.com', 'a new password 2');
      // The audit entry says a password changed, never what it is.
      const [entry] = (await audit(`entity_type=user&entity_id=${agentId}`)).data;
      expect(entry!.changes).toEqual([{ field: 'password', old: '***', new: '***' }]);
      expect(JSON.stringify(entry)).not.toContain('a new password 2');
    });

    it('counts a wrong current password as a failed sign-in: a stolen session cannot guess it', async () => {
      await server.kith.users.create(
        { email: 'guess@example.com', password: 'guess password 1', role: 'agent' },
        SYSTEM_ACTOR,
      );
      const here = await signIn('guess@example.com', 'guess password 1');
      const change = (current: string) =>
        asBrowser(here, 'PATCH', '/api/auth/me', { password: 'a new password 3', current_password: current });
      // A weak new password is not a guess: it does not count.
      const weak = await asBrowser(here, 'PATCH', '/api/auth/me', {
        password: 'short',
        current_password: 'wrong guess',
      });
      expect(weak.status).toBe(400);
      for (let i = 1; i <= 5; i++) expect((await change(`guess ${i}`)).status).toBe(400);
      const throttled = await change('guess 6');
      expect(throttled.status, JSON.stringify(throttled.body)).toBe(429);
      expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
      // The right password is not even checked now, and signing in to the account waits too.
      expect((await change('guess password 1')).status).toBe(429);
      const login = await call('POST', '/api/auth/login', {
        body: { email: 'guess@example.com', password: 'guess password 1' },
      });
      expect(login.status).toBe(429);
    });

    it('lists its sessions and signs out of all the others', async () => {
      const here = await signIn('boss@example.com', 'boss password 1');
      const other1 = await signIn('boss@example.com', 'boss password 1');
      const other2 = await signIn('boss@example.com', 'boss password 1');
      const listed = await asBrowser(here, 'GET', '/api/auth/sessions');
      expect(listed.status).toBe(200);
      expect(listed.body.data.length).toBeGreaterThanOrEqual(3);
      expect(listed.body.data.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
      expect(listed.body.data[0]).not.toHaveProperty('id');

      // Each says the browser and address it signed in from and when it was last used; a User-Agent
      // longer than any real one is cut.
      const firefox = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0';
      for (const userAgent of [firefox, `${firefox} ${'x'.repeat(2000)}`]) {
        const login = await call('POST', '/api/auth/login', {
          body: { email: 'boss@example.com', password: 'boss password 1' },
          headers: { 'user-agent': userAgent },
        });
        expect(login.status).toBe(200);
      }
      const withDevices = (await asBrowser(here, 'GET', '/api/auth/sessions')).body.data as {
        user_agent: string | null;
        ip_address: string | null;
        last_seen_at: string | null;
        created_at: string;
      }[];
      const plain = withDevices.find((d) => d.user_agent === firefox);
      const longest = withDevices.find((d) => d.user_agent !== firefox && d.user_agent?.startsWith(firefox));
      expect(plain).toMatchObject({ user_agent: firefox, ip_address: '127.0.0.1' });
      expect(plain!.last_seen_at).toBe(plain!.created_at);
      expect(longest!.user_agent).toHaveLength(512);

      const revoked = await asBrowser(here, 'POST', '/api/auth/sessions/revoke-others');
      expect(revoked.status, JSON.stringify(revoked.body)).toBe(200);
      expect(revoked.body.revoked).toBe(withDevices.length - 1);
      expect((await asBrowser(here, 'GET', '/api/auth/me')).status).toBe(200);
      for (const other of [other1, other2])
        expect((await asBrowser(other, 'GET', '/api/auth/me')).status).toBe(401);
      expect((await asBrowser(here, 'GET', '/api/auth/sessions')).body.data).toEqual([
        expect.objectContaining({ current: true }),
      ]);
      // API tokens are not sessions: they still work.
      expect((await call('GET', '/api/auth/me', { token: admin })).status).toBe(200);
      const [entry] = (await audit(`entity_type=user&entity_id=${adminId}`)).data;
      expect(entry).toMatchObject({ action: 'sessions_revoked', changes: [{ field: 'sessions', new: 0 }] });
    });
  });

  describe('users (admin)', () => {
    it('creates a user, changes their role, resets their password and disables them; agents are refused', async () => {
      const refused = await call('POST', '/api/users', {
        token: agent,
        body: { email: 'x@example.com', password: 'long enough 1', role: 'agent' },
      });
      expect(refused.status).toBe(403);
      expect((await call('GET', '/api/users', { token: agent })).status).toBe(403);
      // Anyone may know who is who (to name people in histories and merges), but nothing more.
      const directory = await call('GET', '/api/users/directory', { token: agent });
      expect(directory.status).toBe(200);
      expect(directory.body.data.length).toBeGreaterThanOrEqual(2);
      for (const person of directory.body.data)
        expect(Object.keys(person).sort()).toEqual(['email', 'id', 'name']);

      const badRole = await call('POST', '/api/users', {
        token: admin,
        body: { email: 'new@example.com', password: 'long enough 1', role: 'owner' },
      });
      expect(badRole.status).toBe(400);
      expect(badRole.body.error.details).toMatchObject({ field: 'role', value: 'owner' });
      const longName = await call('POST', '/api/users', {
        token: admin,
        body: { email: 'long@example.com', password: 'long enough 1', role: 'agent', name: 'n'.repeat(201) },
      });
      expect(longName.status).toBe(400);
      expect(longName.body.error.details).toMatchObject({ field: 'name' });
      expect(longName.body.error.message).toContain('longer than 200 characters');

      const created = await call('POST', '/api/users', {
        token: admin,
        body: {
          email: 'New.Person@Example.com',
          password: 'long enough 1',
          role: 'agent',
          name: 'New Person',
        },
      });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ email: 'new.person@example.com', role: 'agent', language: null });
      const id = created.body.id as string;
      const taken = await call('POST', '/api/users', {
        token: admin,
        body: { email: 'new.person@example.com', password: 'long enough 1', role: 'agent' },
      });
      expect(taken.status).toBe(409);

      const browser = await signIn('new.person@example.com', 'long enough 1');
      expect(
        (await call('PATCH', `/api/users/${id}`, { token: admin, body: { role: 'admin' } })).body.role,
      ).toBe('admin');
      expect(
        (await call('PATCH', `/api/users/${id}`, { token: admin, body: { password: 'reset by boss 1' } }))
          .status,
      ).toBe(200);
      expect((await asBrowser(browser, 'GET', '/api/auth/me')).status).toBe(401);
      const disabled = await call('PATCH', `/api/users/${id}`, { token: admin, body: { disabled: true } });
      expect(disabled.body.disabled).toBe(true);
      expect(
        (
          await call('POST', '/api/auth/login', {
            body: { email: 'new.person@example.com', password: 'reset by boss 1' },
          })
        ).status,
      ).toBe(401);
      const enabled = await call('PATCH', `/api/users/${id}`, { token: admin, body: { disabled: false } });
      expect(enabled.body.disabled).toBe(false);

      const self = await call('PATCH', `/api/users/${adminId}`, { token: admin, body: { disabled: true } });
      expect(self.status).toBe(400);
      expect(self.body.error.details).toMatchObject({ field: 'disabled' });

      const log = await audit(`entity_type=user&entity_id=${id}`);
      expect(log.data.map((e) => e.changes.map((c) => c.field).join(','))).toEqual([
        'disabled',
        'disabled',
        'password',
        'role',
        'email,role',
      ]);
      expect(log.data[0]).toMatchObject({ entity_name: 'new.person@example.com', actor: { id: adminId } });
    });
  });

  describe('tokens, identity types, attributes and groups', () => {
    it('records token creation and revocation', async () => {
      const created = await call('POST', '/api/tokens', { token: agent, body: { name: 'Zapier' } });
      expect(created.status).toBe(201);
      expect(created.body.token).toMatch(/^kith_/);
      const listed = await call('GET', '/api/tokens', { token: agent });
      expect(listed.body.data.find((t: { id: string }) => t.id === created.body.id)).not.toHaveProperty(
        'token',
      );
      expect((await call('DELETE', `/api/tokens/${created.body.id}`, { token: agent })).status).toBe(204);
      expect((await call('GET', '/api/contacts', { token: created.body.token })).status).toBe(401);
      const log = await audit(`entity_type=api_token&entity_id=${created.body.id}`);
      expect(log.data.map((e) => e.action)).toEqual(['revoked', 'created']);
      expect(log.data[0]).toMatchObject({ entity_name: 'Zapier', actor: { id: agentId } });
    });

    it('renames an identity type and refuses to delete one in use, naming the contact', async () => {
      expect(
        (
          await call('POST', '/api/identity-types', {
            token: admin,
            body: { key: 'member_no', label: '会员号' },
          })
        ).status,
      ).toBe(201);
      expect(
        (await call('PATCH', '/api/identity-types/member_no', { token: agent, body: { label: 'x' } })).status,
      ).toBe(403);
      const renamed = await call('PATCH', '/api/identity-types/member_no', {
        token: admin,
        body: { label: 'Member number' },
      });
      expect(renamed.status).toBe(200);
      expect(renamed.body).toMatchObject({ key: 'member_no', label: 'Member number', builtin: false });
      expect(
        (await call('PATCH', '/api/identity-types/nope', { token: admin, body: { label: 'x' } })).status,
      ).toBe(404);
      const contact = await call('POST', '/api/contacts', {
        token: admin,
        body: { name: 'Holder', identities: { member_no: 'M-1' } },
      });
      const inUse = await call('DELETE', '/api/identity-types/member_no', { token: admin });
      expect(inUse.status).toBe(409);
      expect(inUse.body.error).toMatchObject({ code: 'in_use', details: { existing_id: contact.body.id } });

      const log = await audit('entity_type=identity_type&entity_id=member_no');
      expect(log.data.map((e) => [e.action, e.changes])).toEqual([
        ['updated', [{ field: 'label', old: '会员号', new: 'Member number' }]],
        ['created', [{ field: 'label', old: null, new: '会员号' }]],
      ]);
    });

    it('records attribute and group changes, with deleted records still named', async () => {
      const attribute = await call('POST', '/api/attributes', {
        token: admin,
        body: { key: 'tier', label: 'Tier', type: 'list', options: ['Gold', 'Silver'] },
      });
      expect(attribute.status).toBe(201);
      await call('PATCH', '/api/attributes/tier', { token: admin, body: { description: 'Loyalty tier' } });
      // The type is fixed: sent here it is refused, not ignored as if changed.
      const retype = await call('PATCH', '/api/attributes/tier', { token: admin, body: { type: 'boolean' } });
      expect(retype.status).toBe(400);
      expect(retype.body.error.message).toMatch(/type/);
      expect((await call('DELETE', '/api/attributes/tier', { token: admin })).status).toBe(204);
      const attributeLog = await audit('entity_type=attribute_definition&entity_id=tier');
      expect(attributeLog.data.map((e) => e.action)).toEqual(['deleted', 'updated', 'created']);
      expect(attributeLog.data[0]).toMatchObject({ entity_name: 'Tier' });
      expect(attributeLog.data[2]!.changes).toContainEqual({
        field: 'options',
        old: null,
        new: ['Gold', 'Silver'],
      });

      const group = await call('POST', '/api/groups', { token: admin, body: { name: 'Fair visitors' } });
      await call('PATCH', `/api/groups/${group.body.id}`, { token: admin, body: { name: 'Fair 2026' } });
      // Saving without a change writes no entry.
      await call('PATCH', `/api/groups/${group.body.id}`, { token: admin, body: { name: 'Fair 2026' } });
      await call('DELETE', `/api/groups/${group.body.id}`, { token: admin });
      const groupLog = await audit(`entity_type=group&entity_id=${group.body.id}`);
      expect(groupLog.data.map((e) => e.action)).toEqual(['deleted', 'updated', 'created']);
      expect(groupLog.data[0]).toMatchObject({ entity_name: 'Fair 2026' });
    });
  });

  describe('tags', () => {
    it('renames a tag, and merges it into the tag that has the new name, moving its contacts', async () => {
      const make = async (name: string, tags: string[]) =>
        (await call('POST', '/api/contacts', { token: admin, body: { name, tags } })).body as { id: string };
      const a = await make('Tag A', ['vip-old']);
      const b = await make('Tag B', ['vip-old', 'VIP']);
      const c = await make('Tag C', ['VIP']);
      const tags = async () =>
        (await call('GET', '/api/tags', { token: agent })).body.data as {
          id: string;
          name: string;
          contact_count: number;
        }[];
      const old = (await tags()).find((t) => t.name === 'vip-old')!;
      const vip = (await tags()).find((t) => t.name === 'VIP')!;

      expect((await call('PATCH', `/api/tags/${old.id}`, { token: agent, body: { name: 'x' } })).status).toBe(
        403,
      );
      const empty = await call('PATCH', `/api/tags/${old.id}`, { token: admin, body: { name: '  ' } });
      expect(empty.status).toBe(400);
      expect(empty.body.error.details).toMatchObject({ field: 'name' });

      const renamed = await call('PATCH', `/api/tags/${old.id}`, { token: admin, body: { name: 'Gold' } });
      expect(renamed.status, JSON.stringify(renamed.body)).toBe(200);
      expect(renamed.body).toMatchObject({ id: old.id, name: 'Gold', contact_count: 2, merged_from: null });
      expect((await call('GET', `/api/contacts/${a.id}`, { token: agent })).body.tags).toEqual(['Gold']);

      // Onto an existing name, in another case: a merge into that tag.
      const merged = await call('PATCH', `/api/tags/${old.id}`, { token: admin, body: { name: 'vip' } });
      expect(merged.status, JSON.stringify(merged.body)).toBe(200);
      expect(merged.body).toMatchObject({ id: vip.id, name: 'VIP', contact_count: 3, merged_from: old.id });
      expect((await tags()).map((t) => t.name)).not.toContain('Gold');
      for (const contact of [a, b, c])
        expect((await call('GET', `/api/contacts/${contact.id}`, { token: agent })).body.tags).toEqual([
          'VIP',
        ]);
      const filtered = await call('GET', '/api/contacts?tag=VIP&limit=10', { token: agent });
      expect(filtered.body.data.map((x: { id: string }) => x.id).sort()).toEqual([a.id, b.id, c.id].sort());

      // Each contact that changed has it in its history; the tag's log says renamed, then merged.
      const history = await call('GET', `/api/contacts/${a.id}/history`, { token: agent });
      expect(history.body.data[0].changes).toContainEqual({ field: 'tags', old: ['Gold'], new: ['VIP'] });
      const log = await audit(`entity_type=tag&entity_id=${old.id}`);
      expect(log.data.map((e) => e.action)).toEqual(['merged', 'renamed']);
      expect(log.data[0]!.changes).toContainEqual({ field: 'merged_into', old: null, new: vip.id });
      expect(log.data[0]!.changes).toContainEqual({ field: 'merged_into_name', old: null, new: 'VIP' });
      expect(log.data[0]!.changes).toContainEqual({ field: 'name', old: 'Gold', new: null });
      expect(log.data[0]).toMatchObject({ entity_name: 'Gold' });
    });

    it('renames a tag to another spelling of its own name', async () => {
      await call('POST', '/api/contacts', { token: admin, body: { name: 'Case', tags: ['newsletter'] } });
      const tag = (await call('GET', '/api/tags', { token: agent })).body.data.find(
        (t: { name: string }) => t.name === 'newsletter',
      );
      const renamed = await call('PATCH', `/api/tags/${tag.id}`, {
        token: admin,
        body: { name: 'Newsletter' },
      });
      expect(renamed.body).toMatchObject({
        id: tag.id,
        name: 'Newsletter',
        merged_from: null,
        contact_count: 1,
      });
    });
  });

  describe('webhooks', () => {
    it('records endpoint changes without the secret, and sends a signed test event on request', async () => {
      const created = await call('POST', '/api/webhooks', {
        token: admin,
        body: { url: receiverUrl, events: ['import.completed'] },
      });
      expect(created.status).toBe(201);
      const { id, secret } = created.body as { id: string; secret: string };
      expect((await call('POST', `/api/webhooks/${id}/test`, { token: agent })).status).toBe(403);

      const sent = await call('POST', `/api/webhooks/${id}/test`, { token: admin });
      expect(sent.status, JSON.stringify(sent.body)).toBe(201);
      expect(sent.body).toMatchObject({
        endpoint_id: id,
        event: 'webhook.test',
        status: 'delivered',
        attempts: 1,
        last_status: 204,
        last_error: null,
      });
      expect(received).toHaveLength(1);
      const { headers, body } = received[0]!;
      expect(headers['x-kith-event']).toBe('webhook.test');
      expect(headers['x-kith-delivery']).toBe(sent.body.id);
      expect(headers['x-kith-signature']).toBe(
        signWebhook(secret, String(headers['x-kith-timestamp']), body),
      );
      expect(JSON.parse(body)).toMatchObject({ event: 'webhook.test', data: { endpoint_id: id } });
      const deliveries = await call('GET', `/api/webhooks/${id}/deliveries`, { token: admin });
      expect(deliveries.body.data[0]).toMatchObject({ id: sent.body.id, status: 'delivered' });

      await call('PATCH', `/api/webhooks/${id}`, {
        token: admin,
        body: { events: ['import.completed', 'import.failed'], secret: 'a-brand-new-secret-value' },
      });
      expect((await call('DELETE', `/api/webhooks/${id}`, { token: admin })).status).toBe(204);
      const log = await audit(`entity_type=webhook_endpoint&entity_id=${id}`);
      expect(log.data.map((e) => e.action)).toEqual(['deleted', 'updated', 'created']);
      expect(log.data[1]!.changes).toEqual([
        { field: 'events', old: ['import.completed'], new: ['import.completed', 'import.failed'] },
        { field: 'secret', old: '***', new: '***' },
      ]);
      expect(log.data[0]).toMatchObject({ entity_name: receiverUrl });
      expect(JSON.stringify(log)).not.toContain(secret);
      expect(JSON.stringify(log)).not.toContain('a-brand-new-secret-value');
    });

    it('fails a test event to an internal address through the outbound guard: one attempt, the reason, nothing sent', async () => {
      const created = await call('POST', '/api/webhooks', {
        token: admin,
        body: { url: 'https://crm.example.com/kith', events: ['import.failed'] },
      });
      // An address saved before the guard existed (or slipped in by hand) is still refused when sending.
      await server.kith.store.db
        .updateTable('webhook_endpoints')
        .set({ url: 'http://169.254.169.254/latest/meta-data/' })
        .where('id', '=', created.body.id)
        .execute();
      const before = received.length;
      const sent = await call('POST', `/api/webhooks/${created.body.id}/test`, { token: admin });
      expect(sent.status).toBe(201);
      expect(sent.body).toMatchObject({
        status: 'failed',
        attempts: 1,
        next_attempt_at: null,
        last_status: null,
      });
      expect(sent.body.last_error).toContain(
        'refused: the URL points at 169.254.169.254, a link-local address',
      );
      expect(received.length).toBe(before);
      expect((await call('POST', '/api/webhooks/whe_nope/test', { token: admin })).status).toBe(404);
    });
  });

  it('deletes an attribute or a webhook once when the delete is sent several times at once', async () => {
    await call('POST', '/api/attributes', { token: admin, body: { key: 'deleted_twice', type: 'text' } });
    const hook = await call('POST', '/api/webhooks', {
      token: admin,
      body: { url: 'https://hooks.example/deleted-twice', events: ['contact.created'] },
    });
    for (const [path, id] of [
      ['/api/attributes/deleted_twice', 'deleted_twice'],
      [`/api/webhooks/${hook.body.id}`, hook.body.id as string],
    ] as const) {
      expect(await statusesAtOnce(() => call('DELETE', path, { token: admin }))).toEqual([
        204, 404, 404, 404, 404,
      ]);
      expect(await auditEntries(server.kith.store.db, id, 'deleted')).toBe(1);
    }
  });

  describe('the audit log', () => {
    it('is for admins, filters by entity types, actor and time, and pages newest first', async () => {
      expect((await call('GET', '/api/audit', { token: agent })).status).toBe(403);
      expect((await call('GET', '/api/audit')).status).toBe(401);
      const bad = await call('GET', '/api/audit?since=yesterday-ish', { token: admin });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details).toMatchObject({ field: 'since', value: 'yesterday-ish' });
      const badCursor = await call('GET', '/api/audit?cursor=garbage', { token: admin });
      expect(badCursor.status).toBe(400);
      expect(badCursor.body.error.details).toMatchObject({ field: 'cursor', value: 'garbage' });

      const several = await audit('entity_type=tag,webhook_endpoint&limit=200');
      expect(new Set(several.data.map((e) => e.entity_type))).toEqual(new Set(['tag', 'webhook_endpoint']));
      const ids = several.data.map((e) => e.id);
      expect(ids).toEqual([...ids].sort().reverse());

      const byAgent = await audit(`actor=${agentId}&limit=200`);
      expect(byAgent.data.length).toBeGreaterThan(0);
      expect(byAgent.data.every((e) => e.actor?.id === agentId)).toBe(true);

      const future = await audit(`since=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`);
      expect(future.data).toEqual([]);

      // Paging: two entries at a time cover the same entries as one page, without repeats.
      const all = await audit('limit=200');
      const paged: string[] = [];
      let cursor: string | null = '';
      while (cursor !== null) {
        const page: Awaited<ReturnType<typeof audit>> = await audit(
          `limit=7${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
        );
        expect(page.data.length).toBeLessThanOrEqual(7);
        paged.push(...page.data.map((e) => e.id));
        cursor = page.next_cursor;
      }
      expect(paged).toEqual(all.data.map((e) => e.id));
    });
  });
});
