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

  const contact = async (name: string) =>
    (await call('POST', '/api/contacts', { body: { name, email: `${name}@race.example` } })).body
      .id as string;

  it('answers an unmerge racing a merge of its survivor with a clear refusal or a clean success, never a 500', async () => {
    for (let round = 0; round < 4; round++) {
      const [d, e, f] = [
        await contact(`um-d${round}`),
        await contact(`um-e${round}`),
        await contact(`um-f${round}`),
      ];
      const merged = await call('POST', '/api/contacts/merge', {
        body: { contact_ids: [d, e], survivor_id: d },
      });
      expect(merged.status).toBe(200);
      const [unmerge, merge] = await Promise.all([
        call('POST', `/api/merges/${merged.body.merge_id}/unmerge`, { body: {} }),
        call('POST', '/api/contacts/merge', { body: { contact_ids: [d, f], survivor_id: f } }),
      ]);
      expect(merge.status).toBe(200);
      if (unmerge.status === 200) {
        // The unmerge went first: e is back on its own, d then merged into f.
        expect((await call('GET', `/api/contacts/${e}`)).body.id).toBe(e);
      } else {
        expect(unmerge.status).toBe(409);
        expect(unmerge.body.error.message).toContain(`was itself merged into ${f}`);
      }
      expect((await call('GET', `/api/contacts/${d}`)).body).toMatchObject({ id: f, merged_from: d });
    }
    // The same merge undone twice at once: once.
    const [g, h] = [await contact('um-g'), await contact('um-h')];
    const merged = await call('POST', '/api/contacts/merge', {
      body: { contact_ids: [g, h], survivor_id: g },
    });
    const twice = await Promise.all(
      [1, 2].map(() => call('POST', `/api/merges/${merged.body.merge_id}/unmerge`, { body: {} })),
    );
    expect(statuses(twice)).toEqual([200, 409]);
    expect(twice.find((a) => a.status === 409)!.body.error.code).toBe('already_undone');
  });

  it('answers "add to group" racing the group\'s delete with 200 or 404, never a 500, and leaves no member behind', async () => {
    const ids = [] as string[];
    for (let i = 0; i < 8; i++) ids.push(await contact(`grp-${i}`));
    for (let round = 0; round < 3; round++) {
      const group = await call('POST', '/api/groups', { body: { name: `Racing ${round}` } });
      const answers = await Promise.all([
        ...ids.map((id) =>
          call('POST', `/api/groups/${group.body.id}/members`, { body: { contact_ids: [id] } }),
        ),
        call('DELETE', `/api/groups/${group.body.id}`),
      ]);
      const deleted = answers.pop()!;
      expect(deleted.status).toBe(204);
      for (const added of answers) {
        expect([200, 404]).toContain(added.status);
        if (added.status === 404)
          expect(added.body.error.message).toBe(`group "${group.body.id}" does not exist`);
      }
      expect((await call('GET', `/api/groups/${group.body.id}`)).status).toBe(404);
      for (const id of ids) expect((await call('GET', `/api/contacts/${id}`)).body.groups).toEqual([]);
    }
  });
});
