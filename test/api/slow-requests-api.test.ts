/**
 * A client that sends its headers and then its body a byte at a time cannot hold a connection for as
 * long as it likes: a caller who is not signed in has a short deadline, a signed-in one a long one,
 * and an answer given before the body has arrived (a 401) closes the connection at once.
 */
import net from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/app.js';
import { signedInBodyMs } from '../../src/server/request-deadlines.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';
import { adminAndAgentTokens, type TestServer } from '../support/test-server.js';

interface Trickle {
  /** Everything the server sent. */
  answer(): string;
  /** Milliseconds from the first byte sent until the server closed the connection. */
  closed: Promise<number>;
  stop(): void;
}

/** Sends `head` at once, then one byte of body every 100 ms, until the server closes the connection. */
function trickle(port: number, head: string): Trickle {
  const socket = net.connect(port, '127.0.0.1');
  const started = Date.now();
  let received = '';
  socket.on('data', (d: Buffer) => (received += d.toString()));
  socket.on('error', () => undefined);
  socket.write(head);
  const drip = setInterval(() => {
    if (!socket.destroyed) socket.write('a');
  }, 100);
  const closed = new Promise<number>((resolve) =>
    socket.on('close', () => {
      clearInterval(drip);
      resolve(Date.now() - started);
    }),
  );
  return { answer: () => received, closed, stop: () => socket.destroy() };
}

/** Whichever comes first: the connection's close (its time in ms), or `ms` passing (null). */
const closedWithin = (t: Trickle, ms: number) =>
  Promise.race([t.closed, new Promise<null>((resolve) => setTimeout(() => resolve(null), ms))]);

describe(`slow request bodies on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  let app: FastifyInstance;
  let port: number;
  let admin: string;

  beforeAll(async () => {
    kith = await createTestKith();
    app = await buildServer(kith, { bodyDeadlines: { anonymousMs: 1_000, signedInMs: 3_000 } });
    port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
    ({ admin } = await adminAndAgentTokens({ kith } as TestServer));
  });
  afterAll(async () => {
    await app.close();
    await kith.destroy();
  });

  it('answers a write refused before its body arrived and closes the connection at once', async () => {
    const t = trickle(
      port,
      'POST /api/contacts HTTP/1.1\r\nHost: kith\r\nContent-Type: application/json\r\nContent-Length: 100000000\r\n\r\n',
    );
    const after = await closedWithin(t, 5_000);
    t.stop();
    expect(t.answer()).toMatch(/^HTTP\/1\.1 401 /);
    expect(t.answer().toLowerCase()).toContain('connection: close');
    expect(after, 'closed right after the 401').not.toBeNull();
    expect(after!).toBeLessThan(1_000);
  });

  it('cuts a public write whose body is still arriving past the deadline for callers not signed in', async () => {
    const t = trickle(
      port,
      'POST /api/auth/login HTTP/1.1\r\nHost: kith\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n',
    );
    const after = await closedWithin(t, 8_000);
    t.stop();
    expect(after, 'closed by the server').not.toBeNull();
    expect(after!).toBeGreaterThanOrEqual(900);
    expect(t.answer()).toMatch(/^HTTP\/1\.1 408 /);
    const body = JSON.parse(t.answer().slice(t.answer().indexOf('\r\n\r\n') + 4));
    expect(body.error).toMatchObject({ code: 'request_timeout', details: { limit_seconds: 1 } });
    expect(body.error.message).toBe("the request's body did not arrive within 1 s; the connection is closed");
  });

  it('gives a signed-in caller the longer deadline, then cuts them too', async () => {
    const t = trickle(
      port,
      `POST /api/contacts HTTP/1.1\r\nHost: kith\r\nAuthorization: Bearer ${admin}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`,
    );
    const after = await closedWithin(t, 10_000);
    t.stop();
    expect(after, 'closed by the server').not.toBeNull();
    expect(after!).toBeGreaterThanOrEqual(2_900);
    expect(t.answer()).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('cuts an upload that stops arriving, and a request that arrived whole is not affected', async () => {
    const t = trickle(
      port,
      `POST /api/imports HTTP/1.1\r\nHost: kith\r\nAuthorization: Bearer ${admin}\r\nContent-Type: multipart/form-data; boundary=XX\r\nContent-Length: 100000\r\n\r\n--XX\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\nname\n`,
    );
    const after = await closedWithin(t, 10_000);
    t.stop();
    expect(after, 'closed by the server').not.toBeNull();
    // A whole request on a kept-alive connection: answered, and the connection stays open.
    const ok = await fetch(`http://127.0.0.1:${port}/api/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Whole' }),
    });
    expect(ok.status).toBe(201);
    expect(ok.headers.get('connection')).not.toBe('close');
  });

  it('allows the largest upload at 1 Mbit/s, and at least 10 minutes', () => {
    expect(signedInBodyMs(200 * 1024 * 1024)).toBe(1_677_722);
    expect(signedInBodyMs(1024 * 1024)).toBe(600_000);
  });
});
