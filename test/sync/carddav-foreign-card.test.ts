import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../src/domain/actor.js';
import { createTestKith, type TestKith } from '../support/test-kith.js';

/**
 * A CardDAV server that lists cards on another host (`//other/x.vcf`, `http://other/x.vcf`) must not
 * send Kith there: following such a card would hand the connection's password and the customers' cards
 * to whoever the listing names. Radicale never answers so; a small hostile server here does.
 */
const API: Actor = { userId: null, channel: 'api' };

function card(uid: string, name: string): string {
  return `BEGIN:VCARD\r\nVERSION:4.0\r\nUID:${uid}\r\nFN:${name}\r\nEND:VCARD\r\n`;
}

function entry(href: string, etag: string, data: string): string {
  return `<d:response><d:href>${href}</d:href><d:propstat><d:prop><d:getetag>"${etag}"</d:getetag><card:address-data>${data}</card:address-data></d:prop><d:status>HTTP/1.1 200 OK</d:status></d:propstat></d:response>`;
}

async function listen(handler: http.RequestListener): Promise<{ server: http.Server; origin: string }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('CardDAV cards listed on another host', () => {
  let kith: TestKith;
  let other: { server: http.Server; origin: string };
  let dav: { server: http.Server; origin: string };
  const otherRequests: string[] = [];
  const davRequests: string[] = [];

  beforeAll(async () => {
    other = await listen((req, res) => {
      otherRequests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      res.writeHead(201, { etag: '"x"' }).end();
    });
    const otherHost = other.origin.slice('http://'.length);
    dav = await listen((req, res) => {
      davRequests.push(`${req.method} ${req.url}`);
      req.resume();
      if (req.method === 'REPORT') {
        const body =
          '<?xml version="1.0" encoding="utf-8"?><d:multistatus xmlns:d="DAV:" xmlns:card="urn:ietf:params:xml:ns:carddav">' +
          entry('/book/good.vcf', 'g1', card('good', 'Good Card')) +
          entry(`//${otherHost}/steal.vcf`, 's1', card('steal', 'Foreign One')) +
          entry(`${other.origin}/steal-2.vcf`, 's2', card('steal-2', 'Foreign Two')) +
          '<d:sync-token>http://dav.test/sync/1</d:sync-token></d:multistatus>';
        res.writeHead(207, { 'content-type': 'application/xml; charset=utf-8' }).end(body);
      } else if (req.method === 'PUT') res.writeHead(201, { etag: `"${Date.now()}"` }).end();
      else if (req.method === 'DELETE') res.writeHead(204).end();
      else res.writeHead(404).end();
    });
    kith = await createTestKith({
      KITH_SECRET_KEY: Buffer.alloc(32, 5).toString('base64'),
      KITH_OUTBOUND_ALLOW: '127.0.0.1',
    });
  });
  afterAll(async () => {
    await kith?.destroy();
    await new Promise((resolve) => dav?.server.close(resolve));
    await new Promise((resolve) => other?.server.close(resolve));
  });

  it('takes the address book’s own cards, counts the others as failed and never contacts their host', async () => {
    const connection = await kith.sync.create(
      { url: `${dav.origin}/book/`, username: 'kith', password: 'dav-secret' },
      API,
    );
    await kith.contacts.create({ name: 'Kith Only', email: 'kith-only@example.com' }, API);
    const { run } = await kith.sync.startRun(connection.id, API);
    await kith.jobs.runner().runOnce({ subjectId: run.id });
    const done = await kith.sync.getRun(run.id);
    expect(done.state, done.error ?? '').toBe('done');
    expect(done.counts.failed).toBe(2);

    const names = (await kith.contacts.list({ limit: 50 })).data.map((c) => c.name).sort();
    expect(names).toEqual(['Good Card', 'Kith Only']);
    // Kith's own customer was written to the address book's server, nothing anywhere else.
    expect(davRequests.some((r) => r.startsWith('PUT /book/'))).toBe(true);
    expect(otherRequests).toEqual([]);
  });
});
