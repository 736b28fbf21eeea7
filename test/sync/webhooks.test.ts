/**
 * Webhooks against a real HTTP receiver: `import.completed` after a real import, signatures, retries
 * with growing pauses until delivered or out of attempts, one sender per delivery, and the API's and
 * CLI's rules for managing endpoints.
 */
import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { ValidationErrors } from '../../src/domain/errors.js';
import { MAX_ATTEMPTS, nextAttemptAt, RETRY_DELAYS_SECONDS } from '../../src/sync/webhooks/webhook-events.js';
import { signWebhook } from '../../src/sync/webhooks/webhook-signature.js';
import { fixture, runImport } from '../support/import-helpers.js';
import { runCli } from '../support/run-cli.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { api, startTestServer, type TestServer } from '../support/test-server.js';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A webhook receiver on this machine: each request is handed over whole and answered with a status. */
async function startReceiver(
  pathname: string,
  answer: (request: Received) => number,
): Promise<{ receiver: http.Server; url: string }> {
  const receiver = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => res.writeHead(answer({ headers: req.headers, body })).end());
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  return { receiver, url: `http://127.0.0.1:${(receiver.address() as { port: number }).port}${pathname}` };
}

describe('webhook rules (pure)', () => {
  it('retries with growing pauses, then gives up', () => {
    const now = new Date('2026-11-22T10:00:00Z');
    expect(nextAttemptAt(1, now)?.toISOString()).toBe('2026-11-22T10:00:30.000Z');
    expect(nextAttemptAt(2, now)?.toISOString()).toBe('2026-11-22T10:02:00.000Z');
    expect(nextAttemptAt(MAX_ATTEMPTS - 1, now)?.getTime()).toBe(
      now.getTime() + RETRY_DELAYS_SECONDS.at(-1)! * 1000,
    );
    expect(nextAttemptAt(MAX_ATTEMPTS, now)).toBeNull();
    expect(RETRY_DELAYS_SECONDS.reduce((a, b) => a + b, 0)).toBeGreaterThan(20 * 3600);
  });

  it('signs "<timestamp>.<body>" with HMAC-SHA256', () => {
    // Known answer, computed independently: echo -n '1700000000.{}' | openssl dgst -sha256 -hmac secret
    expect(signWebhook('secret', '1700000000', '{}')).toBe(
      'sha256=b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163',
    );
  });
});

describe(`webhooks on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let agent: string;
  let receiver: http.Server;
  let url: string;
  let received: Received[] = [];
  /** Status codes the receiver answers with, in order; 204 once they run out. */
  let answers: number[] = [];

  beforeAll(async () => {
    ({ receiver, url } = await startReceiver('/kith', (r) => {
      received.push(r);
      return answers.shift() ?? 204;
    }));
    // The receiver is on this machine, which outgoing requests may reach only when allowed.
    server = await startTestServer({ KITH_OUTBOUND_ALLOW: '127.0.0.1' });
    const { users, tokens } = server.kith;
    const boss = await users.create(
      { email: 'hooks-admin@example.com', password: 'a long password 1', role: 'admin' },
      SYSTEM_ACTOR,
    );
    admin = (await tokens.create(boss.id, 'tests', SYSTEM_ACTOR)).token;
    const staff = await users.create(
      { email: 'hooks-agent@example.com', password: 'a long password 2', role: 'agent' },
      SYSTEM_ACTOR,
    );
    agent = (await tokens.create(staff.id, 'tests', SYSTEM_ACTOR)).token;
  });
  afterAll(async () => {
    await server.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });
  beforeEach(async () => {
    received = [];
    answers = [];
    for (const w of await server.kith.webhooks.list()) await server.kith.webhooks.remove(w.id);
  });

  it('posts a signed import.completed with the counts when an import ends', async () => {
    const secret = 'a-webhook-secret-of-some-length';
    const endpoint = await server.kith.webhooks.create({ url, events: ['import.completed'], secret });
    await server.kith.webhooks.create({ url: `${url}/failed-only`, events: ['import.failed'] });
    await server.kith.webhooks.create({
      url: `${url}/inactive`,
      events: ['import.completed'],
      active: false,
    });
    const file = fixture(
      'hooked.csv',
      'name,email,phone\nAnn,ann@hooks.example,13800138301\nBad,not-an-email,\nCid,cid@hooks.example,\n',
    );
    const done = await runImport(server.kith, file);
    expect(done).toMatchObject({ status: 'completed', created: 2, failed: 1 });

    // The server's own worker may have run the import, and then delivers in its own time.
    await expect.poll(() => received.length, { timeout: 10_000 }).toBe(1);
    const { headers, body } = received[0]!;
    expect(headers['x-kith-event']).toBe('import.completed');
    expect(headers['x-kith-signature']).toBe(signWebhook(secret, String(headers['x-kith-timestamp']), body));
    const payload = JSON.parse(body);
    expect(payload).toMatchObject({
      id: headers['x-kith-delivery'],
      event: 'import.completed',
      data: {
        import_id: done.id,
        status: 'completed',
        rows: 3,
        created: 2,
        updated: 0,
        unchanged: 0,
        failed: 1,
        failures_url: expect.stringContaining(`/api/imports/${done.id}/failures`),
      },
    });
    const [delivery] = await server.kith.webhooks.deliveries(endpoint.id);
    expect(delivery).toMatchObject({
      status: 'delivered',
      attempts: 1,
      last_status: 204,
      event: 'import.completed',
    });
  });

  it('retries a failed delivery later, keeps the same signed body, and gives up after the last attempt', async () => {
    const endpoint = await server.kith.webhooks.create({ url, events: ['import.completed'] });
    answers = [500];
    const [id] = await server.kith.webhooks.publish('import.completed', { import_id: 'imp_x' });
    let [delivery] = await server.kith.webhooks.deliveries(endpoint.id);
    expect(delivery).toMatchObject({ id, status: 'pending', attempts: 1, last_status: 500 });
    expect(delivery!.last_error).toContain('HTTP 500');
    const wait = Date.parse(delivery!.next_attempt_at!) - Date.now();
    expect(wait).toBeGreaterThan(25_000);
    expect(wait).toBeLessThanOrEqual(30_000);

    // Not due yet: nothing is sent.
    expect(await server.kith.webhooks.deliverDue()).toBe(0);
    expect(received).toHaveLength(1);
    const due = async () =>
      server.kith.store.db
        .updateTable('webhook_deliveries')
        .set({ next_attempt_at: new Date(Date.now() - 1000).toISOString() })
        .where('id', '=', id!)
        .execute();
    await due();
    expect(await server.kith.webhooks.deliverDue()).toBe(1);
    [delivery] = await server.kith.webhooks.deliveries(endpoint.id);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2, last_status: 204, last_error: null });
    expect(received[1]!.body).toBe(received[0]!.body);
    expect(received[1]!.headers['x-kith-delivery']).toBe(id);

    // A receiver that never answers well: after the last attempt the delivery is failed for good.
    const [other] = await server.kith.webhooks.publish('import.completed', { import_id: 'imp_y' });
    await server.kith.store.db
      .updateTable('webhook_deliveries')
      .set({ status: 'pending', attempts: MAX_ATTEMPTS - 1, next_attempt_at: new Date(0).toISOString() })
      .where('id', '=', other!)
      .execute();
    answers = [503];
    await server.kith.webhooks.deliverDue();
    const failed = (await server.kith.webhooks.deliveries(endpoint.id)).find((d) => d.id === other);
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: MAX_ATTEMPTS,
      next_attempt_at: null,
      last_status: 503,
    });
  });

  it('sends a due delivery once even when two senders run at the same moment', async () => {
    const endpoint = await server.kith.webhooks.create({
      url: 'http://127.0.0.1:9/unreachable',
      events: ['import.failed'],
    });
    const [id] = await server.kith.webhooks.publish('import.failed', { import_id: 'imp_z' });
    let [delivery] = await server.kith.webhooks.deliveries(endpoint.id);
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, last_status: null });
    expect(delivery!.last_error).toBeTruthy();
    await server.kith.webhooks.update(endpoint.id, { url });
    await server.kith.store.db
      .updateTable('webhook_deliveries')
      .set({ next_attempt_at: new Date(0).toISOString() })
      .where('id', '=', id!)
      .execute();
    const sent = await Promise.all([server.kith.webhooks.deliverDue(), server.kith.webhooks.deliverDue()]);
    expect(sent[0] + sent[1]).toBe(1);
    expect(received).toHaveLength(1);
    [delivery] = await server.kith.webhooks.deliveries(endpoint.id);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2 });
  });

  it('forgets finished deliveries after their time, never pending ones', async () => {
    const endpoint = await server.kith.webhooks.create({ url, events: ['import.cancelled'] });
    answers = [204, 500];
    const [delivered] = await server.kith.webhooks.publish('import.cancelled', { import_id: 'imp_1' });
    const [pending] = await server.kith.webhooks.publish('import.cancelled', { import_id: 'imp_2' });
    const old = new Date(Date.now() - 40 * 86_400_000).toISOString();
    await server.kith.store.db.updateTable('webhook_deliveries').set({ created_at: old }).execute();
    expect(await server.kith.webhooks.pruneDeliveries(new Date(Date.now() - 30 * 86_400_000))).toBe(1);
    expect((await server.kith.webhooks.deliveries(endpoint.id)).map((d) => d.id)).toEqual([pending]);
    expect(delivered).not.toBe(pending);
  });

  it('validates endpoints, naming the field, the value and the reason', async () => {
    const attempt = server.kith.webhooks.create({
      url: 'ftp://example.com/x',
      events: ['import.done'],
      secret: 'short',
    });
    await expect(attempt).rejects.toThrow(ValidationErrors);
    const message = await attempt.catch((e: Error) => e.message);
    expect(message).toContain('url: must be an http:// or https:// URL (got "ftp://example.com/x")');
    expect(message).toContain(
      'events[0]: must be one of import.completed, import.failed, import.cancelled, contact.created, contact.updated, contact.deleted, contact.merged, contact.restored (got "import.done")',
    );
    expect(message).toContain('secret: must be at least 16 characters');
  });

  it('lets only admins manage endpoints over HTTP, and shows the secret only on creation', async () => {
    const denied = await api(server.baseUrl, 'POST', '/api/webhooks', {
      token: agent,
      body: { url, events: ['import.completed'] },
    });
    expect(denied.status).toBe(403);
    expect((await api(server.baseUrl, 'GET', '/api/webhooks', { token: agent })).status).toBe(403);
    expect((await api(server.baseUrl, 'GET', '/api/webhooks')).status).toBe(401);

    const created = await api(server.baseUrl, 'POST', '/api/webhooks', {
      token: admin,
      body: { url, events: ['import.completed', 'import.cancelled'], description: 'CRM' },
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^[\w-]{32}$/);
    const listed = await api(server.baseUrl, 'GET', '/api/webhooks', { token: admin });
    expect(listed.body.data).toEqual([expect.not.objectContaining({ secret: expect.anything() })]);
    expect(listed.body.data[0]).toMatchObject({
      id: created.body.id,
      events: ['import.completed', 'import.cancelled'],
      active: true,
    });

    const bad = await api(server.baseUrl, 'PATCH', `/api/webhooks/${created.body.id}`, {
      token: admin,
      body: { events: [] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('events: must name at least one event');
    const off = await api(server.baseUrl, 'PATCH', `/api/webhooks/${created.body.id}`, {
      token: admin,
      body: { active: false },
    });
    expect(off.body.active).toBe(false);
    const deliveries = await api(server.baseUrl, 'GET', `/api/webhooks/${created.body.id}/deliveries`, {
      token: admin,
    });
    expect(deliveries.body.data).toEqual([]);
    expect(
      (await api(server.baseUrl, 'DELETE', `/api/webhooks/${created.body.id}`, { token: admin })).status,
    ).toBe(204);
    expect(
      (await api(server.baseUrl, 'GET', `/api/webhooks/${created.body.id}`, { token: admin })).status,
    ).toBe(404);
  });

  it('manages endpoints from the CLI', async () => {
    const env = server.kith.database.env;
    const added = await runCli(
      ['webhooks', 'add', url, '--event', 'import.completed', '--event', 'import.failed'],
      env,
    );
    expect(added.code).toBe(0);
    const endpoint = JSON.parse(added.stdout);
    expect(endpoint).toMatchObject({
      url,
      events: ['import.completed', 'import.failed'],
      secret: expect.any(String),
    });
    const listed = await runCli(['webhooks', 'list'], env);
    expect(listed.stdout).toContain(`${endpoint.id}\tactive\t${url}\timport.completed,import.failed`);
    const refused = await runCli(['webhooks', 'add', 'not a url', '--event', 'import.completed'], env);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('url: must be an http:// or https:// URL');
    expect((await runCli(['webhooks', 'remove', endpoint.id], env)).code).toBe(0);
  });
});

describe(`webhook secrets at rest on ${TEST_DIALECT}`, () => {
  let receiver: http.Server;
  let url: string;
  const received: Received[] = [];
  const servers: TestServer[] = [];

  beforeAll(async () => {
    ({ receiver, url } = await startReceiver('/sealed', (r) => {
      received.push(r);
      return 204;
    }));
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
  const stored = (server: TestServer, id: string) =>
    server.kith.store.db
      .selectFrom('webhook_endpoints')
      .select(['secret', 'secret_sealed'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('keeps signing secrets sealed under KITH_SECRET_KEY, and still signs with them', async () => {
    const server = await start(Buffer.alloc(32, 7).toString('base64'));
    const secret = 'a-webhook-secret-nobody-should-read';
    const endpoint = await server.kith.webhooks.create({ url, events: ['import.completed'], secret });
    // A copy of the database does not hold the secret.
    const row = await stored(server, endpoint.id);
    expect(row.secret_sealed).toBe(1);
    expect(row.secret).not.toContain(secret);
    const sent = await server.kith.webhooks.sendTest(endpoint.id);
    expect(sent.status).toBe('delivered');
    const { headers, body } = received.at(-1)!;
    expect(headers['x-kith-signature']).toBe(signWebhook(secret, String(headers['x-kith-timestamp']), body));

    // A secret changed later is sealed as well.
    await server.kith.webhooks.update(endpoint.id, { secret: 'another-secret-of-some-length' });
    expect((await stored(server, endpoint.id)).secret).not.toContain('another-secret');

    // One stored in the clear before the key was set is sealed by its next delivery.
    await server.kith.store.db
      .updateTable('webhook_endpoints')
      .set({ secret, secret_sealed: 0 })
      .where('id', '=', endpoint.id)
      .execute();
    expect((await server.kith.webhooks.sendTest(endpoint.id)).status).toBe('delivered');
    const last = received.at(-1)!;
    expect(last.headers['x-kith-signature']).toBe(
      signWebhook(secret, String(last.headers['x-kith-timestamp']), last.body),
    );
    expect(await stored(server, endpoint.id)).toMatchObject({ secret_sealed: 1 });
    expect((await stored(server, endpoint.id)).secret).not.toContain(secret);
  });

  it('without a key stores the secret as given; a sealed one under another key fails the delivery in words', async () => {
    const plain = await start('');
    const endpoint = await plain.kith.webhooks.create({
      url,
      events: ['import.completed'],
      secret: 'x'.repeat(20),
    });
    expect(await stored(plain, endpoint.id)).toEqual({ secret: 'x'.repeat(20), secret_sealed: 0 });
    // Sealed under a key this server does not have.
    await plain.kith.store.db
      .updateTable('webhook_endpoints')
      .set({ secret: 'v1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', secret_sealed: 1 })
      .where('id', '=', endpoint.id)
      .execute();
    const count = received.length;
    const failed = await plain.kith.webhooks.sendTest(endpoint.id);
    expect(failed).toMatchObject({ status: 'failed' });
    expect(failed.last_error).toContain('KITH_SECRET_KEY');
    expect(received.length).toBe(count);
  });
});
