import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inviteLink, inviteMail } from '../../src/auth/invite-service.js';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { listAuditEntries } from '../../src/history/audit-log.js';
import { decodeQuotedPrintable, startSmtp, waitForMails } from '../support/smtp-server.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { api, type ApiResponse, startTestServer, type TestServer } from '../support/test-server.js';
import { auditEntries, statusesAtOnce } from '../support/at-once.js';

function cookiesOf(response: ApiResponse): string {
  return response.headers
    .getSetCookie()
    .map((c) => c.split(';')[0]!)
    .join('; ');
}

describe('the invitation e-mail', () => {
  it.each([
    ['en', 'agent', 'Ann', 'You are invited to Kith', 'Ann invited you to Kith as an agent.'],
    [
      'en',
      'admin',
      null,
      'You are invited to Kith',
      'An administrator invited you to Kith as an administrator.',
    ],
    ['zh', 'agent', '王芳', '邀请您加入 Kith', '王芳邀请您以客服身份加入 Kith。'],
    ['zh', 'admin', null, '邀请您加入 Kith', '管理员邀请您以管理员身份加入 Kith。'],
  ] as const)('%s, %s, from %s', (language, role, inviter, subject, opening) => {
    const link = inviteLink('https://kith.example.com/', 'inv_abc');
    expect(link).toBe('https://kith.example.com/invite#token=inv_abc');
    const mail = inviteMail(link, role, '2026-12-09T08:00:00.000Z', inviter, language);
    expect(mail.subject).toBe(subject);
    expect(mail.text.startsWith(opening)).toBe(true);
    expect(mail.text).toContain(link);
    expect(mail.text).toContain('2026-12-09');
  });
});

describe(`invitations over HTTP with SMTP on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let admin: string;
  let adminId: string;
  let agent: string;
  const call = (method: string, path: string, options: Parameters<typeof api>[3] = {}) =>
    api(server.baseUrl, method, path, options);

  beforeAll(async () => {
    smtp = await startSmtp();
    server = await startTestServer({
      SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      KITH_PUBLIC_URL: 'https://kith.example.com',
    });
    const a = await server.kith.users.create(
      { email: 'boss@example.com', password: 'boss pass 1', role: 'admin', name: 'Bo Boss' },
      SYSTEM_ACTOR,
    );
    adminId = a.id;
    const g = await server.kith.users.create(
      { email: 'agent@example.com', password: 'agent pass', role: 'agent' },
      SYSTEM_ACTOR,
    );
    admin = (await server.kith.tokens.create(a.id, null, SYSTEM_ACTOR)).token;
    agent = (await server.kith.tokens.create(g.id, null, SYSTEM_ACTOR)).token;
  });
  afterAll(async () => {
    await server.close();
    await new Promise<void>((r) => smtp.server.close(() => r()));
  });

  const tokenOf = (mailIndex: number) => {
    const data = decodeQuotedPrintable(smtp.mails[mailIndex]!.data);
    const match = /https:\/\/kith\.example\.com\/invite#token=(inv_[A-Za-z0-9_-]+)/.exec(data);
    expect(match, data).not.toBeNull();
    return match![1]!;
  };

  it('e-mails a one-time link; the invitee sets a name and password and is signed in', async () => {
    const invited = await call('POST', '/api/users/invites', {
      token: admin,
      body: { email: ' New.Agent@Example.com ', role: 'agent' },
    });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({
      sent: true,
      link: null,
      mail_error: null,
      invite: { email: 'new.agent@example.com', role: 'agent', status: 'pending', invited_by: adminId },
    });
    const expires = Date.parse(invited.body.invite.expires_at as string);
    expect(expires - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect(expires - Date.now()).toBeLessThan(7.1 * 86_400_000);
    await waitForMails(smtp.mails, 1);
    expect(smtp.mails[0]!.to).toEqual(['new.agent@example.com']);
    expect(decodeQuotedPrintable(smtp.mails[0]!.data)).toContain('Bo Boss invited you to Kith as an agent');
    const token = tokenOf(0);

    // Only the hash is stored.
    const stored = await server.kith.store.db.selectFrom('user_invites').selectAll().execute();
    expect(JSON.stringify(stored)).not.toContain(token);

    const list = await call('GET', '/api/users/invites', { token: admin });
    expect(list.body).toMatchObject({ mails: true, data: [{ email: 'new.agent@example.com' }] });

    const described = await call('POST', '/api/auth/invite', { body: { token } });
    expect(described.body).toMatchObject({ email: 'new.agent@example.com', role: 'agent' });

    const short = await call('POST', '/api/auth/invite/accept', {
      body: { token, name: 'Nia', password: 'short' },
    });
    expect(short.status).toBe(400);
    expect(short.body.error.details).toMatchObject({ field: 'password' });

    const accepted = await call('POST', '/api/auth/invite/accept', {
      body: { token, name: 'Nia Agent', password: 'a good password' },
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ email: 'new.agent@example.com', name: 'Nia Agent', role: 'agent' });
    const me = await call('GET', '/api/auth/me', { cookie: cookiesOf(accepted) });
    expect(me.body).toMatchObject({ email: 'new.agent@example.com' });

    // Single use.
    const again = await call('POST', '/api/auth/invite/accept', {
      body: { token, name: 'Mallory', password: 'another password' },
    });
    expect(again.status).toBe(410);
    expect(again.body.error.code).toBe('invite_invalid');
    expect((await call('GET', '/api/users/invites', { token: admin })).body.data).toEqual([]);

    const audit = await listAuditEntries(server.kith.store.db, 'invite', invited.body.invite.id as string, {
      limit: 10,
    });
    expect(audit.map((e) => e.action).sort()).toEqual(['accepted', 'created']);
  });

  it('resends with a new link (the old one stops working), revokes, and writes the mail in Chinese', async () => {
    const before = smtp.mails.length;
    const invited = await call('POST', '/api/users/invites', {
      token: admin,
      body: { email: 'wang@example.com', role: 'admin', language: 'zh' },
    });
    expect(invited.status).toBe(201);
    await waitForMails(smtp.mails, before + 1);
    expect(decodeQuotedPrintable(smtp.mails[before]!.data)).toContain('以管理员身份加入 Kith');
    const first = tokenOf(before);
    const id = invited.body.invite.id as string;

    const duplicate = await call('POST', '/api/users/invites', {
      token: admin,
      body: { email: 'WANG@example.com', role: 'agent' },
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.details).toMatchObject({ field: 'email', existing_id: id });

    const resent = await call('POST', `/api/users/invites/${id}/resend`, { token: admin, body: {} });
    expect(resent.status).toBe(200);
    expect(resent.body.sent).toBe(true);
    await waitForMails(smtp.mails, before + 2);
    const second = tokenOf(before + 1);
    expect(second).not.toBe(first);
    expect((await call('POST', '/api/auth/invite', { body: { token: first } })).status).toBe(410);
    expect((await call('POST', '/api/auth/invite', { body: { token: second } })).status).toBe(200);

    expect((await call('DELETE', `/api/users/invites/${id}`, { token: admin })).status).toBe(204);
    expect((await call('POST', '/api/auth/invite', { body: { token: second } })).status).toBe(410);
    expect((await call('DELETE', `/api/users/invites/${id}`, { token: admin })).status).toBe(404);
  });

  it('refuses what cannot be invited, and is for admins only', async () => {
    const taken = await call('POST', '/api/users/invites', {
      token: admin,
      body: { email: 'agent@example.com', role: 'agent' },
    });
    expect(taken.status).toBe(409);
    expect(taken.body.error.message).toContain('already belongs to user');
    const badRole = await call('POST', '/api/users/invites', {
      token: admin,
      body: { email: 'x@example.com', role: 'owner' },
    });
    expect(badRole.status).toBe(400);
    expect(badRole.body.error.details).toMatchObject({ field: 'role', value: 'owner' });
    const badEmail = await call('POST', '/api/users/invites', {
      token: admin,
      body: { email: 'not an address', role: 'agent' },
    });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error.details).toMatchObject({ field: 'email' });
    expect(
      (
        await call('POST', '/api/users/invites', {
          token: agent,
          body: { email: 'y@example.com', role: 'agent' },
        })
      ).status,
    ).toBe(403);
    expect((await call('GET', '/api/users/invites', { token: agent })).status).toBe(403);
    expect((await call('POST', '/api/auth/invite', { body: { token: 'inv_guess' } })).status).toBe(410);
  });

  it('keeps one pending invitation when an address is invited several times at once', async () => {
    for (let round = 0; round < 4; round++) {
      const email = `twice${round}@example.com`;
      const answers = await Promise.all(
        [1, 2, 3, 4, 5].map(() =>
          call('POST', '/api/users/invites', { token: admin, body: { email, role: 'agent' } }),
        ),
      );
      expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409, 409, 409]);
      const invited = answers.find((a) => a.status === 201)!.body.invite.id as string;
      for (const refused of answers.filter((a) => a.status === 409))
        expect(refused.body.error).toMatchObject({ code: 'conflict', details: { existing_id: invited } });
      const pending = (await call('GET', '/api/users/invites', { token: admin })).body.data.filter(
        (i: { email: string }) => i.email === email,
      );
      expect(pending.map((i: { id: string }) => i.id)).toEqual([invited]);
    }
  });

  it('revokes an invitation once when the revoke is sent several times at once', async () => {
    for (let round = 0; round < 4; round++) {
      const invited = await call('POST', '/api/users/invites', {
        token: admin,
        body: { email: `revoke-twice${round}@example.com`, role: 'agent' },
      });
      const id = invited.body.invite.id as string;
      expect(
        await statusesAtOnce(() => call('DELETE', `/api/users/invites/${id}`, { token: admin })),
      ).toEqual([204, 404, 404, 404, 404]);
      expect(await auditEntries(server.kith.store.db, id, 'revoked')).toBe(1);
    }
  });

  it('an invitation accepted by several requests at once makes one user', async () => {
    const before = smtp.mails.length;
    await call('POST', '/api/users/invites', {
      token: admin,
      body: { email: 'accept-twice@example.com', role: 'agent' },
    });
    await waitForMails(smtp.mails, before + 1);
    const token = tokenOf(before);
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map(() =>
        call('POST', '/api/auth/invite/accept', { body: { token, password: 'long enough pass' } }),
      ),
    );
    expect(answers.map((a) => a.status).sort()).toEqual([201, 410, 410, 410, 410]);
    for (const refused of answers.filter((a) => a.status === 410))
      expect(refused.body.error.code).toBe('invite_invalid');
    expect(await server.kith.users.findByEmail('accept-twice@example.com')).toMatchObject({ role: 'agent' });
  });

  it('an expired invitation cannot be used, and shows as expired until resent', async () => {
    const before = smtp.mails.length;
    const invited = await call('POST', '/api/users/invites', {
      token: admin,
      body: { email: 'late@example.com', role: 'agent' },
    });
    const id = invited.body.invite.id as string;
    await waitForMails(smtp.mails, before + 1);
    const token = tokenOf(before);
    await server.kith.store.db
      .updateTable('user_invites')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .where('id', '=', id)
      .execute();
    const list = await call('GET', '/api/users/invites', { token: admin });
    expect(list.body.data.find((i: { id: string }) => i.id === id)).toMatchObject({ status: 'expired' });
    const accepted = await call('POST', '/api/auth/invite/accept', {
      body: { token, password: 'long enough pass' },
    });
    expect(accepted.status).toBe(410);
  });
});

describe(`invitations over HTTP without SMTP on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer();
    const a = await server.kith.users.create(
      { email: 'solo@example.com', password: 'solo pass 1', role: 'admin' },
      SYSTEM_ACTOR,
    );
    admin = (await server.kith.tokens.create(a.id, null, SYSTEM_ACTOR)).token;
  });
  afterAll(() => server.close());

  it('hands the admin the link to pass on, at the address Kith was reached at', async () => {
    const invited = await api(server.baseUrl, 'POST', '/api/users/invites', {
      token: admin,
      body: { email: 'friend@example.com', role: 'agent' },
    });
    expect(invited.status).toBe(201);
    expect(invited.body).toMatchObject({ sent: false, mail_error: null, invite: { sent_at: null } });
    expect(invited.body.link).toMatch(new RegExp(`^${server.baseUrl}/invite#token=inv_[A-Za-z0-9_-]{43}$`));
    const list = await api(server.baseUrl, 'GET', '/api/users/invites', { token: admin });
    expect(list.body.mails).toBe(false);
    const token = (invited.body.link as string).split('#token=')[1]!;
    const accepted = await api(server.baseUrl, 'POST', '/api/auth/invite/accept', {
      body: { token, name: '朋友', password: 'friend password' },
    });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ email: 'friend@example.com', name: '朋友', role: 'agent' });
  });
});
