/**
 * Several agents and integrations writing at once through one server: concurrent requests on the same
 * records must neither lose a write nor answer 500; each loser gets a clear 4xx naming why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../support/test-kith.js';
import { adminAndAgentTokens, api, startTestServer, type TestServer } from '../support/test-server.js';

describe(`concurrent writes over HTTP on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  const call = (method: string, path: string, options: Parameters<typeof api>[3] = {}) =>
    api(server.baseUrl, method, path, { token: admin, ...options });
  const statuses = (answers: { status: number }[]) => answers.map((a) => a.status).sort();

  beforeAll(async () => {
    server = await startTestServer();
    ({ admin } = await adminAndAgentTokens(server));
  });
  afterAll(async () => server.close());

  it('keeps every tag added, and removes every tag removed, by concurrent requests on one contact', async () => {
    const created = await call('POST', '/api/contacts', {
      body: { name: 'Tagged', email: 'tagged@race.example', tags: ['r0', 'r1', 'r2', 'r3', 'r4'] },
    });
    const id = created.body.id as string;
    const added = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call('POST', `/api/contacts/${id}/tags`, { body: { tags: [`a${i}`] } }),
      ),
    );
    expect(statuses(added)).toEqual(Array(10).fill(200));
    const removed = await Promise.all(
      [0, 1, 2, 3, 4].map((i) => call('DELETE', `/api/contacts/${id}/tags/r${i}`)),
    );
    expect(statuses(removed)).toEqual(Array(5).fill(200));
    const after = await call('GET', `/api/contacts/${id}`);
    expect([...after.body.tags].sort()).toEqual(Array.from({ length: 10 }, (_, i) => `a${i}`).sort());
  });
});
