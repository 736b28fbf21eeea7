/**
 * Answers without content (204) are sent once: a handler that sent its reply without returning it had
 * Fastify send again, so every DELETE logged "Cannot write headers after they are sent" as a failed
 * request (an internal error, status 500 in the request log) though the client got its 204.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../support/test-kith.js';
import { adminAndAgentTokens, api, startLoggedTestServer } from '../support/test-server.js';

describe(`answers without content on ${TEST_DIALECT}`, () => {
  let server: Awaited<ReturnType<typeof startLoggedTestServer>>;
  let baseUrl: string;
  let admin: string;
  /** The log's entries since the test last emptied it. */
  const log = () =>
    server.logLines.map(
      (line) => JSON.parse(line) as { level: number; msg: string; res?: { statusCode: number } },
    );

  beforeAll(async () => {
    server = await startLoggedTestServer();
    ({ baseUrl } = server);
    ({ admin } = await adminAndAgentTokens(server));
  });
  afterAll(async () => server.close());

  it('logs a DELETE answered 204 as completed with 204, and no error', async () => {
    const group = await api(baseUrl, 'POST', '/api/groups', { token: admin, body: { name: 'Short-lived' } });
    await api(baseUrl, 'POST', '/api/contacts', { token: admin, body: { name: 'Tagged', tags: ['brief'] } });
    const tag = (await api(baseUrl, 'GET', '/api/tags', { token: admin })).body.data[0];
    server.logLines.length = 0;
    expect((await api(baseUrl, 'DELETE', `/api/groups/${group.body.id}`, { token: admin })).status).toBe(204);
    expect((await api(baseUrl, 'DELETE', `/api/tags/${tag.id}`, { token: admin })).status).toBe(204);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(
      log()
        .filter((entry) => entry.level >= 40)
        .map((entry) => entry.msg),
    ).toEqual([]);
    expect(
      log()
        .filter((entry) => entry.res)
        .map((entry) => entry.res!.statusCode),
    ).toEqual([204, 204]);
  });
});
