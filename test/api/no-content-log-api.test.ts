/**
 * Answers without content (204) are sent once: a handler that sent its reply without returning it had
 * Fastify send again, so every DELETE logged "Cannot write headers after they are sent" as a failed
 * request (an internal error, status 500 in the request log) though the client got its 204.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/server/app.js';
import { createTestKith, TEST_DIALECT, type TestKith } from '../support/test-kith.js';
import { adminAndAgentTokens, api, type TestServer } from '../support/test-server.js';

describe(`answers without content on ${TEST_DIALECT}`, () => {
  let kith: TestKith;
  let app: FastifyInstance;
  let baseUrl: string;
  let admin: string;
  const log: { level: number; msg: string; res?: { statusCode: number } }[] = [];

  beforeAll(async () => {
    kith = await createTestKith();
    const stream = new Writable({
      write: (chunk, _encoding, done) => {
        log.push(JSON.parse(String(chunk)));
        done();
      },
    });
    app = await buildServer(kith, { logger: { level: 'info', stream } });
    baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
    ({ admin } = await adminAndAgentTokens({ kith, app, baseUrl } as TestServer));
  });
  afterAll(async () => {
    await app.close();
    await kith.destroy();
  });

  it('logs a DELETE answered 204 as completed with 204, and no error', async () => {
    const group = await api(baseUrl, 'POST', '/api/groups', { token: admin, body: { name: 'Short-lived' } });
    await api(baseUrl, 'POST', '/api/contacts', { token: admin, body: { name: 'Tagged', tags: ['brief'] } });
    const tag = (await api(baseUrl, 'GET', '/api/tags', { token: admin })).body.data[0];
    log.length = 0;
    expect((await api(baseUrl, 'DELETE', `/api/groups/${group.body.id}`, { token: admin })).status).toBe(204);
    expect((await api(baseUrl, 'DELETE', `/api/tags/${tag.id}`, { token: admin })).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(log.filter((entry) => entry.level >= 40).map((entry) => entry.msg)).toEqual([]);
    expect(log.filter((entry) => entry.res).map((entry) => entry.res!.statusCode)).toEqual([204, 204]);
  });
});
