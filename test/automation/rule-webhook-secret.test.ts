/**
 * A rule's send_webhook signing secret is kept as webhooks' are: sealed under KITH_SECRET_KEY, so a copy
 * of the database cannot forge Kith's signature, and never kept for an Idempotency-Key replay. The rule
 * still signs with it, and the API still shows it to administrators.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { signWebhook } from '../../src/sync/webhooks/webhook-signature.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { adminAndAgentTokens, api, startTestServer, type TestServer } from '../support/test-server.js';

describe(`send_webhook secrets at rest on ${TEST_DIALECT}`, () => {
  let receiver: http.Server;
  let url: string;
  const received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
  const servers: TestServer[] = [];

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
    url = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/rule-hook`;
  });
  afterAll(async () => {
    for (const server of servers) await server.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });
  const start = async (key: string) => {
    const server = await startTestServer({ KITH_OUTBOUND_ALLOW: '127.0.0.1', KITH_SECRET_KEY: key });
    servers.push(server);
    return server;
  };
  const storedActions = async (server: TestServer, id: string) =>
    (
      await server.kith.store.db
        .selectFrom('automation_rules')
        .select('actions')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).actions;
  const ruleBody = (secret: string) => ({
    name: 'New customer',
    event: 'contact_created',
    conditions: { all: [] },
    actions: [{ action: 'send_webhook', url, secret }],
  });

  it('keeps the secret sealed, signs with it, shows it to admins and keeps no replay of it', async () => {
    const server = await start(Buffer.alloc(32, 9).toString('base64'));
    const { admin } = await adminAndAgentTokens(server);
    const secret = 'a-rule-secret-nobody-should-read';
    const created = await api(server.baseUrl, 'POST', '/api/rules', {
      token: admin,
      body: ruleBody(secret),
      headers: { 'idempotency-key': 'rule-1' },
    });
    expect(created.status).toBe(201);
    expect(created.body.actions).toEqual([{ action: 'send_webhook', url, secret }]);
    // A copy of the database holds neither the secret nor an answer showing it.
    expect(await storedActions(server, created.body.id)).not.toContain(secret);
    expect(await storedActions(server, created.body.id)).toContain('sealed_secret');
    const keys = await server.kith.store.db.selectFrom('idempotency_keys').selectAll().execute();
    expect(JSON.stringify(keys)).not.toContain(secret);
    expect(
      (await api(server.baseUrl, 'GET', `/api/rules/${created.body.id}`, { token: admin })).body.actions,
    ).toEqual([{ action: 'send_webhook', url, secret }]);

    await server.kith.contacts.create({ name: 'Ada', email: 'ada@example.com' }, SYSTEM_ACTOR);
    const { headers, body } = received.at(-1)!;
    expect(headers['x-kith-signature']).toBe(signWebhook(secret, String(headers['x-kith-timestamp']), body));

    // Changed through PATCH: sealed as well, and not kept either.
    const changed = await api(server.baseUrl, 'PATCH', `/api/rules/${created.body.id}`, {
      token: admin,
      body: { actions: ruleBody('another-secret-of-some-length').actions },
      headers: { 'idempotency-key': 'rule-2' },
    });
    expect(changed.status).toBe(200);
    expect(await storedActions(server, created.body.id)).not.toContain('another-secret');
    const after = await server.kith.store.db.selectFrom('idempotency_keys').selectAll().execute();
    expect(JSON.stringify(after)).not.toContain('another-secret');
  });

  it('seals a rule stored in the clear before the key was set when it is next read', async () => {
    const server = await start(Buffer.alloc(32, 10).toString('base64'));
    const secret = 'stored-before-the-key-was-set';
    const rule = await server.kith.rules.create(ruleBody(secret), SYSTEM_ACTOR);
    await server.kith.store.db
      .updateTable('automation_rules')
      .set({ actions: JSON.stringify(ruleBody(secret).actions) })
      .where('id', '=', rule.id)
      .execute();
    expect((await server.kith.rules.get(rule.id)).actions).toEqual([{ action: 'send_webhook', url, secret }]);
    expect(await storedActions(server, rule.id)).not.toContain(secret);
  });

  it('without a key stores the secret as given; one sealed under another key fails its action in words', async () => {
    const plain = await start('');
    const secret = 'x'.repeat(20);
    const rule = await plain.kith.rules.create(ruleBody(secret), SYSTEM_ACTOR);
    expect(JSON.parse(await storedActions(plain, rule.id))).toEqual([
      { action: 'send_webhook', url, secret },
    ]);

    await plain.kith.store.db
      .updateTable('automation_rules')
      .set({
        actions: JSON.stringify([
          { action: 'send_webhook', url, sealed_secret: 'v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
        ]),
        updated_at: new Date().toISOString(),
      })
      .where('id', '=', rule.id)
      .execute();
    plain.kith.rules.invalidate();
    const count = received.length;
    await plain.kith.contacts.create({ name: 'Bo', email: 'bo@example.com' }, SYSTEM_ACTOR);
    expect(received.length).toBe(count);
    const logs = await plain.kith.rules.logs(rule.id);
    expect(logs[0]!.error).toContain('KITH_SECRET_KEY is not set');
  });
});
