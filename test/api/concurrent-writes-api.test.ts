/**
 * Several agents and integrations writing at once through one server: concurrent requests on the same
 * records must neither lose a write nor answer 500; each loser gets a clear 4xx naming why.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
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

  it('adds a contact to a group once when the same add is sent several times at once, never a 500', async () => {
    for (let round = 0; round < 3; round++) {
      const id = await contact(`grp-twice-${round}`);
      const group = await call('POST', '/api/groups', { body: { name: `Twice ${round}` } });
      const answers = await Promise.all(
        [1, 2, 3, 4, 5].map(() =>
          call('POST', `/api/groups/${group.body.id}/members`, { body: { contact_ids: [id] } }),
        ),
      );
      expect(statuses(answers)).toEqual([200, 200, 200, 200, 200]);
      expect(answers.flatMap((a) => a.body.added)).toEqual([id]);
      expect(answers.flatMap((a) => a.body.already_members)).toEqual([id, id, id, id]);
      const added = (await call('GET', `/api/contacts/${id}/history`)).body.data.filter(
        (e: { action: string }) => e.action === 'group_added',
      );
      expect(added).toHaveLength(1);
    }
  });

  it('creates one contact for a new e-mail, phone or identity sent by 20 concurrent creates and upserts; the upserts update it', async () => {
    const cases = [
      { key: 'email', body: { email: 'same@race.example' }, field: 'email', value: 'same@race.example' },
      { key: 'phone', body: { phone: '+8613800138000' }, field: 'phone', value: '+8613800138000' },
      {
        key: 'external_id',
        body: { identities: { external_id: 'RACE-1' } },
        field: 'identities.external_id',
        value: 'RACE-1',
      },
    ];
    for (const { key, body, field, value } of cases) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          i % 2 === 0
            ? call('POST', '/api/contacts', { body: { ...body, name: `Create ${i}` } })
            : call('POST', `/api/contacts/upsert?key=${key}`, { body: { ...body, name: `Upsert ${i}` } }),
        ),
      );
      const owners = new Set(answers.filter((a) => a.status < 300).map((a) => a.body.id));
      expect(owners.size).toBe(1);
      const [owner] = owners;
      expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
      answers.forEach((answer, i) => {
        if (i % 2 === 1)
          expect([200, 201]).toContain(answer.status); // an upsert never refuses its own key
        else if (answer.status !== 201) {
          expect(answer.status).toBe(409);
          expect(answer.body.error.details).toEqual({ field, value, existing_id: owner });
        }
      });
      const found = await call('GET', `/api/contacts?q=${encodeURIComponent(value)}`);
      expect(found.body.data.map((c: { id: string }) => c.id)).toEqual([owner]);
    }
    const bulk = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call('POST', '/api/contacts/upsert', {
          body: { records: [{ name: `Bulk ${i}`, email: 'bulk@race.example', phone: '+8613900139000' }] },
        }),
      ),
    );
    const outcomes = bulk.map((a) => a.body.results[0].outcome).sort();
    expect(outcomes).toEqual(['created', ...Array(9).fill('updated')].sort());
  });

  it('never gives an agent more open conversations than their capacity when conversations arrive at once', async () => {
    const { users, agents, inboxes } = server.kith;
    const members = [] as string[];
    for (const name of ['cap-a', 'cap-b']) {
      const user = await users.create(
        { email: `${name}@race.example`, password: 'long enough', role: 'agent' },
        SYSTEM_ACTOR,
      );
      await agents.setAvailability(user.id, 'online', { userId: user.id, channel: 'api' });
      await agents.setCapacity(user.id, 2, SYSTEM_ACTOR);
      members.push(user.id);
    }
    const inbox = await inboxes.create(
      { name: 'Racing support', auto_assignment: { enabled: true, mode: 'balanced' } },
      SYSTEM_ACTOR,
    );
    for (const member of members) await inboxes.addMember(inbox.id, member, SYSTEM_ACTOR);
    const created = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        call('POST', '/api/conversations', {
          body: { inbox_id: inbox.id, contact: { email: `cap-${i}@race.example` }, message: 'hello' },
        }),
      ),
    );
    expect(statuses(created)).toEqual(Array(12).fill(201));
    const list = await call('GET', `/api/conversations?inbox_id=${inbox.id}&limit=100`);
    const load = new Map<string, number>();
    for (const c of list.body.data as { assignee_id: string | null }[])
      if (c.assignee_id) load.set(c.assignee_id, (load.get(c.assignee_id) ?? 0) + 1);
    expect([...load.values()]).toEqual([2, 2]);
  });

  it('opens every conversation of a new customer who writes several times at once, all with one contact', async () => {
    const inbox = await server.kith.inboxes.create({ name: 'New customers' }, SYSTEM_ACTOR);
    const created = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        call('POST', '/api/conversations', {
          body: {
            inbox_id: inbox.id,
            contact: { email: 'first-time@race.example', name: 'First' },
            message: `m${i}`,
          },
        }),
      ),
    );
    expect(statuses(created)).toEqual(Array(10).fill(201));
    const customers = new Set(created.map((c) => c.body.contact_id));
    expect(customers.size).toBe(1);
    const found = await call('GET', '/api/contacts?q=first-time@race.example');
    expect(found.body.data.map((c: { id: string }) => c.id)).toEqual([...customers]);
  });

  it("never strips a tag silently when it is deleted while requests add it: each contact's history ends with its tags", async () => {
    const ids = [] as string[];
    for (let i = 0; i < 12; i++)
      ids.push(
        (
          await call('POST', '/api/contacts', {
            body: { name: `Td ${i}`, email: `td${i}@race.example`, tags: i < 6 ? ['doomed'] : [] },
          })
        ).body.id,
      );
    const doomed = (await call('GET', '/api/tags')).body.data.find(
      (t: { name: string }) => t.name === 'doomed',
    );
    const answers = await Promise.all([
      call('DELETE', `/api/tags/${doomed.id}`),
      ...ids.map((id) => call('POST', `/api/contacts/${id}/tags`, { body: { tags: ['doomed', 'kept'] } })),
      ...ids.slice(0, 6).map((id) => call('DELETE', `/api/contacts/${id}/tags/doomed`)),
    ]);
    expect(answers[0]!.status).toBe(204);
    for (const answer of answers.slice(1)) expect([200, 400]).toContain(answer.status);
    let holders = 0;
    for (const id of ids) {
      const contact = (await call('GET', `/api/contacts/${id}`)).body;
      if (contact.tags.includes('doomed')) holders++;
      const history = (await call('GET', `/api/contacts/${id}/history`)).body.data;
      const lastTags = history.flatMap((e: { changes: { field: string; new: unknown }[] }) =>
        e.changes.filter((c) => c.field === 'tags'),
      )[0];
      expect([...(lastTags.new as string[])].sort()).toEqual([...contact.tags].sort());
    }
    const tag = (await call('GET', '/api/tags')).body.data.find((t: { name: string }) => t.name === 'doomed');
    expect(tag?.contact_count ?? 0).toBe(holders);
  });

  it.skipIf(TEST_DIALECT !== 'postgres')(
    'answers a request PostgreSQL ends as a deadlock with 503 and words, nothing written, instead of a 500',
    async () => {
      const [a, b] = [await contact('dl-a'), await contact('dl-b')].sort();
      // Another writer (here a session of its own) holds b and then waits for a, while the merge holds a
      // and waits for b: PostgreSQL ends one of the two, the merge, which waited first.
      const other = new pg.Client({ connectionString: server.kith.database.env.DATABASE_URL });
      await other.connect();
      try {
        await other.query('begin');
        await other.query('select id from contacts where id = $1 for update', [b]);
        const merge = call('POST', '/api/contacts/merge', {
          body: { contact_ids: [a!, b!], survivor_id: a },
        });
        await new Promise((resolve) => setTimeout(resolve, 300));
        const crosswise = other.query('select id from contacts where id = $1 for update', [a]);
        const answer = await merge;
        await crosswise;
        await other.query('rollback');
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('1');
        expect(answer.body.error.code).toBe('write_conflict');
        expect(answer.body.error.message).toMatch(/nothing was changed; send it again/);
      } finally {
        await other.end();
      }
      expect((await call('GET', `/api/contacts/${b}`)).body.id).toBe(b);
      const again = await call('POST', '/api/contacts/merge', {
        body: { contact_ids: [a!, b!], survivor_id: a },
      });
      expect(again.status).toBe(200);
    },
  );

  it("never moves a tag silently when it is merged into another by rename while requests add it: each contact's history ends with its tags", async () => {
    const ids = [] as string[];
    for (let i = 0; i < 12; i++)
      ids.push(
        (
          await call('POST', '/api/contacts', {
            body: {
              name: `Tm ${i}`,
              email: `tm${i}@race.example`,
              tags: i < 6 ? ['merging'] : ['merged-to'],
            },
          })
        ).body.id,
      );
    const merging = (await call('GET', '/api/tags')).body.data.find(
      (t: { name: string }) => t.name === 'merging',
    );
    const answers = await Promise.all([
      call('PATCH', `/api/tags/${merging.id}`, { body: { name: 'Merged-to' } }),
      ...ids.map((id) => call('POST', `/api/contacts/${id}/tags`, { body: { tags: ['merging', 'also'] } })),
    ]);
    expect(answers[0]!.status).toBe(200);
    for (const answer of answers.slice(1)) expect(answer.status).toBe(200);
    const counts = new Map<string, number>();
    for (const id of ids) {
      const contact = (await call('GET', `/api/contacts/${id}`)).body;
      for (const t of contact.tags as string[]) counts.set(t, (counts.get(t) ?? 0) + 1);
      const history = (await call('GET', `/api/contacts/${id}/history`)).body.data;
      const lastTags = history.flatMap((e: { changes: { field: string; new: unknown }[] }) =>
        e.changes.filter((c) => c.field === 'tags'),
      )[0];
      expect([...(lastTags.new as string[])].sort()).toEqual([...contact.tags].sort());
    }
    for (const t of (await call('GET', '/api/tags')).body.data as { name: string; contact_count: number }[])
      if (counts.has(t.name) || ['merging', 'merged-to'].includes(t.name.toLowerCase()))
        expect([t.name, t.contact_count]).toEqual([t.name, counts.get(t.name) ?? 0]);
  });

  it('merges every tag renamed at once to one new name into one tag, instead of a 500 for the later ones', async () => {
    const created = await call('POST', '/api/contacts', {
      body: {
        name: 'Renamed',
        email: 'renamed@race.example',
        tags: Array.from({ length: 8 }, (_, i) => `rn-${i}`),
      },
    });
    const tags = (await call('GET', '/api/tags')).body.data.filter((t: { name: string }) =>
      t.name.startsWith('rn-'),
    );
    const answers = await Promise.all(
      tags.map((t: { id: string }) => call('PATCH', `/api/tags/${t.id}`, { body: { name: 'rn-all' } })),
    );
    expect(statuses(answers)).toEqual(Array(8).fill(200));
    const survivors = new Set(answers.map((a) => a.body.id));
    expect(survivors.size).toBe(1);
    expect((await call('GET', `/api/contacts/${created.body.id}`)).body.tags).toEqual(['rn-all']);
    const now = (await call('GET', '/api/tags')).body.data.filter((t: { name: string }) =>
      t.name.startsWith('rn-'),
    );
    expect(now.map((t: { name: string; contact_count: number }) => [t.name, t.contact_count])).toEqual([
      ['rn-all', 1],
    ]);
  });

  it('restores a batch deletion sent twice at once once: the other is told it was restored', async () => {
    const ids = [await contact('rs-a'), await contact('rs-b')];
    const deletion = await call('POST', '/api/contacts/batch-delete', { body: { ids, confirm_count: 2 } });
    expect(deletion.status).toBe(200);
    const answers = await Promise.all(
      [1, 2].map(() => call('POST', `/api/contacts/deletions/${deletion.body.id}/restore`, { body: {} })),
    );
    expect(statuses(answers)).toEqual([200, 409]);
    expect(answers.find((a) => a.status === 409)!.body.error.code).toBe('already_restored');
    for (const id of ids) {
      const restored = (await call('GET', `/api/contacts/${id}/history`)).body.data.filter(
        (e: { action: string }) => e.action === 'restored',
      );
      expect(restored).toHaveLength(1);
    }
  });
});
