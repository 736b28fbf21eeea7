/**
 * Outgoing requests never reach internal addresses: webhook endpoints and `send_webhook` rule actions to
 * one are refused when saved (naming the field, the value and the reason), and a delivery whose host
 * resolves to one fails with the reason recorded, without a connection being made. DNS is played by an
 * injected resolver; the receivers are real HTTP servers on 127.0.0.1.
 */
import http from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { RuleActionRunner } from '../../src/automation/actions/rule-action-runner.js';
import { loadConfig } from '../../src/config.js';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { ValidationErrors } from '../../src/domain/errors.js';
import { OutboundHttp, type Resolver } from '../../src/sync/outbound/outbound-http.js';
import { OutboundPolicy } from '../../src/sync/outbound/outbound-policy.js';
import { WebhookService } from '../../src/sync/webhooks/webhook-service.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { api, startTestServer, type TestServer } from '../support/test-server.js';

/** Every spelling of an internal address the probe was delivered to, and the words of each refusal. */
const INTERNAL_URLS: [string, string][] = [
  ['http://127.0.0.1:4000/hook', 'points at 127.0.0.1, a loopback address'],
  ['http://localhost:4000/hook', 'points at localhost, this machine'],
  ['http://[::1]:4000/hook', 'points at ::1, a loopback address'],
  ['http://169.254.169.254/latest/meta-data/', 'points at 169.254.169.254, a link-local address'],
  ['http://10.0.0.1/hook', 'points at 10.0.0.1, a private address (RFC 1918)'],
  ['http://2130706433/hook', 'points at 127.0.0.1, a loopback address'],
  ['http://0x7f.1/hook', 'points at 127.0.0.1, a loopback address'],
];

/** More forms of the same places, and the other ranges nothing public lives in. */
const MORE_INTERNAL_URLS = [
  'http://127.1/',
  'http://017700000001/',
  'http://LOCALHOST./',
  'http://api.localhost/',
  'http://0/',
  'http://0.0.0.0/',
  'http://172.16.5.4/',
  'http://192.168.1.1/',
  'http://100.64.0.1/',
  'http://224.0.0.1/',
  'http://255.255.255.255/',
  'http://192.0.2.10/',
  'http://198.51.100.7/',
  'http://203.0.113.9/',
  'http://240.0.0.1/',
  'http://[::]/',
  'http://[fd00::1]/',
  'http://[fc00::1]/',
  'http://[fe80::1]/',
  'http://[ff02::1]/',
  'http://[2001:db8::1]/',
  'http://[::ffff:127.0.0.1]/',
  'http://[::ffff:169.254.169.254]/',
  'http://[::ffff:0:7f00:1]/',
  'http://[::7f00:1]/',
  'http://[64:ff9b::a9fe:a9fe]/',
  'http://[64:ff9b:1::1]/',
  'http://[2002:7f00:1::1]/',
];

const PUBLIC_URLS = [
  'https://crm.example.com/kith',
  'http://93.184.216.34/',
  'http://[2606:4700::1111]/',
  'http://[64:ff9b::808:808]/',
];

/** A DNS server in a map; counts the questions it was asked. */
function fakeDns(answers: Record<string, string[]>): Resolver & { asked: string[] } {
  const asked: string[] = [];
  const resolve = async (host: string) => {
    asked.push(host);
    const addresses = answers[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolve, { asked });
}

describe('outbound policy (pure)', () => {
  const policy = OutboundPolicy.parse(undefined);

  it.each(INTERNAL_URLS)('refuses %s', (url, reason) => {
    expect(policy.urlProblem(url)).toContain(reason);
    expect(policy.urlProblem(url)).toContain('KITH_OUTBOUND_ALLOW');
  });

  it.each(MORE_INTERNAL_URLS)('refuses %s', (url) => {
    expect(policy.urlProblem(url)).toMatch(/^points at /);
  });

  it.each(PUBLIC_URLS)('lets %s through', (url) => {
    expect(policy.urlProblem(url)).toBeNull();
  });

  it('names the IPv4 address an IPv6 form stands for', () => {
    expect(policy.urlProblem('http://[64:ff9b::a9fe:a9fe]/')).toContain(
      'the IPv4-in-IPv6 form of 169.254.169.254, a link-local address',
    );
    expect(policy.urlProblem('http://[2002:7f00:1::1]/')).toContain('the 6to4 form of 127.0.0.1');
  });

  it('lets through what KITH_OUTBOUND_ALLOW lists, and nothing next to it', () => {
    const allowed = OutboundPolicy.parse(' 127.0.0.1, CRM.internal. ,10.20.0.0/16,[fd00::5]');
    expect(allowed.urlProblem('http://127.0.0.1:9/x')).toBeNull();
    expect(allowed.urlProblem('http://2130706433/')).toBeNull();
    expect(allowed.urlProblem('http://[::ffff:127.0.0.1]/')).toBeNull();
    expect(allowed.urlProblem('http://127.0.0.2/')).toContain('loopback');
    expect(allowed.urlProblem('http://crm.internal/')).toBeNull();
    expect(allowed.urlProblem('http://other.internal/')).toBeNull(); // a name: judged once resolved
    expect(allowed.allowsHostName('crm.internal')).toBe(true);
    expect(allowed.allowsHostName('other.internal')).toBe(false);
    expect(allowed.urlProblem('http://10.20.3.4/')).toBeNull();
    expect(allowed.urlProblem('http://10.21.0.1/')).toContain('private');
    expect(allowed.urlProblem('http://[fd00::5]/')).toBeNull();
    expect(allowed.urlProblem('http://[fd00::6]/')).toContain('unique local');
    expect(allowed.urlProblem('http://localhost/')).toContain('this machine');
  });

  it.each([
    ['http://crm.internal', 'is a URL'],
    ['10.0.0.300', 'is not a host name, an address or a range'],
    ['10.0.0.0/33', 'is not a valid range'],
    ['0x7f.1', 'is not a host name, an address or a range'],
    ['2130706433', 'is not a host name, an address or a range'],
    ['crm.internal:8080', 'is not a host name, an address or a range'],
  ])('refuses KITH_OUTBOUND_ALLOW=%s at start, naming the entry', (entry, reason) => {
    expect(() => loadConfig({ KITH_DATA_DIR: '/tmp/kith-unused', KITH_OUTBOUND_ALLOW: entry })).toThrow(
      `KITH_OUTBOUND_ALLOW: ${JSON.stringify(entry)} ${reason}`,
    );
  });
});

describe(`outbound guard on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let receiver: http.Server;
  let port: number;
  let received: { url: string; host: string }[] = [];
  /** What the receiver answers next: a status, and a Location for redirects. */
  let answer: { status: number; location?: string } = { status: 204 };

  beforeAll(async () => {
    receiver = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        received.push({ url: req.url ?? '', host: req.headers.host ?? '' });
        res.writeHead(answer.status, answer.location ? { location: answer.location } : {}).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
    port = (receiver.address() as { port: number }).port;
    server = await startTestServer();
    const boss = await server.kith.users.create(
      { email: 'outbound-admin@example.com', password: 'a long password 1', role: 'admin' },
      SYSTEM_ACTOR,
    );
    admin = (await server.kith.tokens.create(boss.id, 'tests', SYSTEM_ACTOR)).token;
  });
  afterAll(async () => {
    await server.close();
    await new Promise<void>((r) => receiver.close(() => r()));
  });
  beforeEach(async () => {
    received = [];
    answer = { status: 204 };
    for (const w of await server.kith.webhooks.list()) await server.kith.webhooks.remove(w.id);
  });

  it.each(INTERNAL_URLS)(
    'refuses a webhook endpoint to %s, naming the field, value and reason',
    async (url, reason) => {
      const created = await api(server.baseUrl, 'POST', '/api/webhooks', {
        token: admin,
        body: { url, events: ['import.completed'] },
      });
      expect(created.status).toBe(400);
      expect(created.body.error.message).toContain(`url: ${reason}`);
      expect(created.body.error.message).toContain(JSON.stringify(url));
      expect(created.body.error.details).toMatchObject({ field: 'url', value: url });
    },
  );

  it('refuses changing an endpoint to an internal address', async () => {
    const endpoint = await server.kith.webhooks.create({
      url: 'https://crm.example.com/kith',
      events: ['import.completed'],
    });
    const changed = await api(server.baseUrl, 'PATCH', `/api/webhooks/${endpoint.id}`, {
      token: admin,
      body: { url: 'http://169.254.169.254/latest/meta-data/' },
    });
    expect(changed.status).toBe(400);
    expect(changed.body.error.message).toContain('url: points at 169.254.169.254, a link-local address');
    expect((await server.kith.webhooks.get(endpoint.id)).url).toBe('https://crm.example.com/kith');
  });

  it.each(INTERNAL_URLS)('refuses a rule whose send_webhook goes to %s', async (url, reason) => {
    const rule = {
      name: 'Tell the CRM',
      event: 'contact_created',
      actions: [{ action: 'send_webhook', url, secret: 'a-webhook-secret-of-some-length' }],
    };
    const attempt = server.kith.rules.create(rule, SYSTEM_ACTOR);
    await expect(attempt).rejects.toThrow(ValidationErrors);
    const message = await attempt.catch((e: Error) => e.message);
    expect(message).toContain(`actions[0].url: ${reason}`);
    expect(message).toContain(JSON.stringify(url));
    const created = await api(server.baseUrl, 'POST', '/api/rules', { token: admin, body: rule });
    expect(created.status).toBe(400);
    expect(created.body.error.message).toContain(`actions[0].url: ${reason}`);
  });

  it('fails a delivery whose host resolves to an internal address, records why, and sends nothing', async () => {
    const dns = fakeDns({ 'hooks.rebind.test': ['127.0.0.1'] });
    const webhooks = new WebhookService(server.kith.store, new OutboundHttp(OutboundPolicy.parse(''), dns));
    // The name passes when saved: only DNS knows where it leads.
    const endpoint = await webhooks.create({
      url: `http://hooks.rebind.test:${port}/kith`,
      events: ['import.completed'],
    });
    const [id] = await webhooks.publish('import.completed', { import_id: 'imp_dns' });
    const [delivery] = await webhooks.deliveries(endpoint.id);
    expect(delivery).toMatchObject({ id, status: 'pending', attempts: 1, last_status: null });
    expect(delivery!.last_error).toBe(
      'refused: hooks.rebind.test resolves to 127.0.0.1, a loopback address: Kith sends requests to public addresses only, unless KITH_OUTBOUND_ALLOW lists the host',
    );
    expect(received).toEqual([]);
  });

  it('refuses a delivery to an internal address saved before the guard existed', async () => {
    const endpoint = await server.kith.webhooks.create({
      url: 'https://crm.example.com/kith',
      events: ['import.failed'],
      active: false,
    });
    await server.kith.store.db
      .updateTable('webhook_endpoints')
      .set({ url: `http://0x7f.1:${port}/kith`, active: 1 })
      .where('id', '=', endpoint.id)
      .execute();
    await server.kith.webhooks.publish('import.failed', { import_id: 'imp_old' });
    const [delivery] = await server.kith.webhooks.deliveries(endpoint.id);
    expect(delivery!.last_error).toContain('refused: the URL points at 127.0.0.1, a loopback address');
    expect(received).toEqual([]);
  });

  it('connects to the address it checked, asking DNS once, with the name in the Host header', async () => {
    // Allowing 127.0.0.1 stands in for a public address here; DNS answers an internal address too.
    const dns = fakeDns({ 'hooks.example.test': ['10.0.0.1', '127.0.0.1'] });
    const webhooks = new WebhookService(
      server.kith.store,
      new OutboundHttp(OutboundPolicy.parse('127.0.0.1'), dns),
    );
    const endpoint = await webhooks.create({
      url: `http://hooks.example.test:${port}/kith`,
      events: ['import.completed'],
    });
    await webhooks.publish('import.completed', { import_id: 'imp_ok' });
    const [delivery] = await webhooks.deliveries(endpoint.id);
    expect(delivery).toMatchObject({ status: 'delivered', last_status: 204, last_error: null });
    expect(received).toEqual([{ url: '/kith', host: `hooks.example.test:${port}` }]);
    expect(dns.asked).toEqual(['hooks.example.test']);
  });

  it('does not follow redirects', async () => {
    const webhooks = new WebhookService(
      server.kith.store,
      new OutboundHttp(OutboundPolicy.parse('127.0.0.1')),
    );
    const endpoint = await webhooks.create({
      url: `http://127.0.0.1:${port}/kith`,
      events: ['import.completed'],
    });
    answer = { status: 302, location: 'http://169.254.169.254/latest/meta-data/' };
    await webhooks.publish('import.completed', { import_id: 'imp_redirect' });
    const [delivery] = await webhooks.deliveries(endpoint.id);
    expect(delivery).toMatchObject({ status: 'pending', last_status: 302 });
    expect(delivery!.last_error).toBe(
      'the receiver answered HTTP 302, a redirect to http://169.254.169.254/latest/meta-data/; redirects are not followed: give the final URL',
    );
    expect(received).toHaveLength(1);
  });

  it('fails a rule action whose host resolves to an internal address', async () => {
    const runner = new RuleActionRunner(
      server.kith.conversations,
      null,
      new OutboundHttp(OutboundPolicy.parse(''), fakeDns({ 'metadata.rebind.test': ['169.254.169.254'] })),
    );
    const run = runner.run(
      { action: 'send_webhook', url: 'http://metadata.rebind.test/latest', secret: 's'.repeat(20) },
      {
        rule: { id: 'rule_x', name: 'Leak' },
        event: 'contact_created',
        conversation: null,
        contact: null,
        message: null,
        facts: {},
        origin: { depth: 0, ruleIds: [] },
      },
    );
    await expect(run).rejects.toThrow(
      'refused: metadata.rebind.test resolves to 169.254.169.254, a link-local address',
    );
  });
});

describe('a connector’s fetcher', () => {
  it('stops reading an answer past its bound instead of holding it all in memory', async () => {
    // A server that never stops sending (a hostile or broken CardDAV server).
    const endless = http.createServer((_req, res) => {
      res.writeHead(207, { 'content-type': 'application/xml' });
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const write = () => {
        while (res.write(chunk));
        res.once('drain', write);
      };
      write();
      res.on('close', () => res.removeAllListeners('drain'));
    });
    await new Promise<void>((resolve) => endless.listen(0, '127.0.0.1', resolve));
    const { port: endlessPort } = endless.address() as { port: number };
    const fetcher = new OutboundHttp(OutboundPolicy.parse('127.0.0.1')).fetcher({
      timeoutMs: 30_000,
      maxAnswerBytes: 1024 * 1024,
    });
    try {
      await expect(fetcher(`http://127.0.0.1:${endlessPort}/book/`, { method: 'REPORT' })).rejects.toThrow(
        `the answer from 127.0.0.1:${endlessPort} is larger than 1 MB`,
      );
    } finally {
      fetcher.close();
      endless.closeAllConnections();
      await new Promise((resolve) => endless.close(resolve));
    }
  });
});
