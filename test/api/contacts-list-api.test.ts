/**
 * The customers list API over HTTP: the parameters the web list sends and the answer's shape, the
 * bulk endpoint's honest counts and permissions, and the time limit's answer.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertContactsBulk } from '../../src/contacts/contact-repository.js';
import { AGENT_BULK_LIMIT, BULK_LIMIT } from '../../src/segments/contact-bulk-service.js';
import { emptyContactState } from '../../src/domain/contact/contact-fields.js';
import { newId } from '../../src/domain/ids.js';
import { ContactListResponse } from '../../src/server/routes/contact-routes.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { adminAndAgentTokens, api, startTestServer, type TestServer } from '../support/test-server.js';

async function bulkInsert(server: TestServer, count: number, state: (i: number) => Record<string, unknown>) {
  const { store } = server.kith;
  const at = new Date().toISOString();
  const rows = Array.from({ length: count }, (_, i) => ({
    id: newId('contact'),
    state: { ...emptyContactState(), ...state(i) },
  }));
  await store.db
    .transaction()
    .execute((trx) => insertContactsBulk(trx, rows, { at, by: null }, store.rowWriter(trx)));
  return rows.map((r) => r.id);
}

describe(`customers list API on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let agent: string;
  const call = (method: string, path: string, options: Parameters<typeof api>[3] = {}) =>
    api(server.baseUrl, method, path, options);

  beforeAll(async () => {
    server = await startTestServer();
    ({ admin, agent } = await adminAndAgentTokens(server));
  });
  afterAll(async () => server.close());

  it('answers a page with its cursor, total and bound; filters and sort as the web list sends them', async () => {
    const made = [];
    for (const [name, tags] of [
      ['Ada', ['VIP']],
      ['bea', []],
      ['Cy', ['VIP']],
    ] as const)
      made.push((await call('POST', '/api/contacts', { token: agent, body: { name, tags } })).body);
    const first = await call('GET', '/api/contacts?sort=-name&limit=2', { token: agent });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ total: 3, total_is_lower_bound: false });
    expect(first.body.data.map((c: { name: string }) => c.name)).toEqual(['Cy', 'bea']);
    const second = await call('GET', `/api/contacts?sort=-name&limit=2&cursor=${first.body.next_cursor}`, {
      token: agent,
    });
    expect(second.body.data.map((c: { name: string }) => c.name)).toEqual(['Ada']);
    expect(second.body.next_cursor).toBeNull();

    const vip = await call('GET', '/api/contacts?tag=vip&sort=name&total=false', { token: agent });
    expect(vip.body.data.map((c: { name: string }) => c.name)).toEqual(['Ada', 'Cy']);
    expect(vip.body.total).toBeNull();
    const ids = `${made[0].id},${made[2].id}`;
    const byIds = await call('GET', `/api/contacts?ids=${ids}&sort=-created_at`, { token: agent });
    expect(byIds.body.data.map((c: { name: string }) => c.name)).toEqual(['Cy', 'Ada']);
    const since = encodeURIComponent(made[1].created_at);
    const recent = await call('GET', `/api/contacts?created_since=${since}&sort=created_at`, {
      token: agent,
    });
    expect(recent.body.data.map((c: { name: string }) => c.name)).toEqual(['bea', 'Cy']);
  });

  it('refuses a parameter it does not know by name, on the list and the export alike', async () => {
    for (const path of ['/api/contacts?tags=zzz', '/api/contacts/export?format=csv&Tag=zzz']) {
      const r = await call('GET', path, { token: admin });
      expect(r.status, path).toBe(400);
      expect(r.body.error.details[0]).toMatchObject({ field: path.includes('Tag') ? 'Tag' : 'tags' });
      expect(r.body.error.message).toMatch(
        /is not a parameter here; the parameters are .*\btag, group\b.* and attr\.<key>/,
      );
    }
    expect((await call('GET', '/api/contacts?attr.tier=Gold', { token: admin })).body.error.message).toMatch(
      /attribute "tier" is not defined/,
    );
  });

  it('searches text holding control characters as spaces (a NUL is no internal error)', async () => {
    await call('POST', '/api/contacts', { token: agent, body: { name: 'Nul Search' } });
    for (const q of ['%00', 'nul%00search', '%07Nul']) {
      const r = await call('GET', `/api/contacts?q=${q}`, { token: agent });
      expect(r.status, q).toBe(200);
    }
    const found = await call('GET', '/api/contacts?q=nul%00search', { token: agent });
    expect(found.body.data.map((c: { name: string }) => c.name)).toContain('Nul Search');
  });

  it('says which value a query parameter had, and cuts a long one short', async () => {
    const limit = await call('GET', '/api/contacts?limit=abc', { token: agent });
    expect(limit.status).toBe(400);
    expect(limit.body.error.message).toContain('(got "abc")');
    expect(limit.body.error.details[0]).toMatchObject({ field: 'limit', value: 'abc' });
    const long = await call('POST', '/api/contacts', {
      token: agent,
      body: { name: 'x', email: 'e'.repeat(300_000) },
    });
    expect(long.status).toBe(400);
    expect(long.body.error.message.length).toBeLessThan(1000);
    expect(long.body.error.message).toContain('(300,002 characters)');
    // A body nested thousands deep is refused like any other, not overflowing the error's own walk.
    const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
    for (const path of ['/api/contacts', '/api/auth/login']) {
      const r = await fetch(`${server.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
        body: deep,
      });
      expect(r.status, path).toBe(400);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('validation_failed');
    }
  });

  it.each([
    ['sort=age', 'sort'],
    ['ids=ct_1,nope', 'ids'],
    ['updated_before=last%20week', 'updated_before'],
    ['limit=0', 'limit'],
    ['attr.unknown=1', 'attr.unknown'],
    ['cursor=bm90IGEgY3Vyc29y', 'cursor'],
  ])('refuses %s naming the field', async (query, field) => {
    const r = await call('GET', `/api/contacts?${query}`, { token: agent });
    expect(r.status).toBe(400);
    const details = Array.isArray(r.body.error.details) ? r.body.error.details[0] : r.body.error.details;
    expect(details.field).toBe(field);
  });

  it('filters by a count or amount past what the purchase facts hold as by the largest they hold', async () => {
    const huge = '99999999999999999999';
    // PostgreSQL refused these as out of range for the facts' columns: a 500.
    for (const [param, everyone] of [
      ['min_orders', false],
      ['max_orders', true],
      ['min_total_spent', false],
      ['max_total_spent', true],
    ] as const) {
      const r = await call('GET', `/api/contacts?${param}=${huge}&limit=1`, { token: agent });
      expect(r.status, param).toBe(200);
      expect(r.body.data.length > 0, param).toBe(everyone);
      const exported = await call('GET', `/api/contacts/export?format=csv&${param}=${huge}`, {
        token: admin,
      });
      expect(exported.status, param).toBe(200);
    }
  });

  it('refuses an attribute filter given twice, in the list and in the export, instead of dropping it', async () => {
    const key = 'twice_tier';
    const made = await call('POST', '/api/attributes', {
      token: admin,
      body: { key, type: 'list', options: ['Gold', 'Silver'] },
    });
    expect(made.status).toBe(201);
    // Dropped, the filter answered (and exported) every contact.
    for (const path of [
      `/api/contacts?attr.${key}=Gold&attr.${key}=Silver`,
      `/api/contacts/export?format=csv&attr.${key}=Gold&attr.${key}=Silver`,
    ]) {
      const r = await call('GET', path, { token: admin });
      expect(r.status, path).toBe(400);
      expect(r.body.error.details, path).toEqual([
        { field: `attr.${key}`, value: ['Gold', 'Silver'], reason: 'is given 2 times; give it once' },
      ]);
    }
  });

  it("writes pages exactly in the documented schema's shape (the route does not parse them through zod)", async () => {
    for (const [key, type, options] of [
      ['shape_tier', 'list', ['Gold', 'Silver']],
      ['shape_points', 'number', null],
      ['shape_vip', 'boolean', null],
      ['shape_joined', 'date', null],
      ['shape_note', 'text', null],
    ] as const)
      expect(
        (await call('POST', '/api/attributes', { token: admin, body: { key, type, options } })).status,
      ).toBe(201);
    const full = await call('POST', '/api/contacts', {
      token: agent,
      body: {
        name: '王 <b>小明</b>',
        first_name: '小明',
        last_name: '王',
        email: 'shape.full@example.cn',
        additional_emails: ['shape.second@example.cn'],
        phone: '+86 138 0013 9911',
        additional_phones: ['+1 415 555 0100'],
        gender: 'male',
        birthday: '1990-02-03',
        country: 'CN',
        province: '浙江',
        city: '杭州',
        address: '西湖区 1 号',
        postcode: '310000',
        company: 'Shape "Quotes" Ltd',
        tags: ['shape-vip', '老客户'],
        identities: { external_id: 'SHAPE-1' },
        attributes: {
          shape_tier: 'Gold',
          shape_points: 12.5,
          shape_vip: true,
          shape_joined: '2020-01-02',
          shape_note: 'line\nbreak',
        },
      },
    });
    expect(full.status).toBe(201);
    expect(
      (await call('POST', '/api/contacts', { token: agent, body: { email: 'shape.bare@example.org' } }))
        .status,
    ).toBe(201);
    for (const path of [
      `/api/contacts?q=${encodeURIComponent('王')}&sort=name`,
      '/api/contacts?q=shape.full%40example.cn',
      `/api/contacts?ids=${full.body.id}&total=false`,
      '/api/contacts?attr.shape_tier=Gold',
    ]) {
      const page = await call('GET', path, { token: agent });
      expect(page.status, path).toBe(200);
      expect(page.body.data.length, path).toBeGreaterThan(0);
      // Parsing strips keys the schema does not name and fails on a wrong type: the page must come out unchanged.
      expect(ContactListResponse.parse(page.body), path).toEqual(page.body);
    }
  });

  it('documents the parameters and the bulk endpoint in the OpenAPI document', async () => {
    const doc = (await call('GET', '/api/openapi.json')).body;
    const params = doc.paths['/api/contacts'].get.parameters.map((p: { name: string }) => p.name);
    for (const name of ['q', 'sort', 'cursor', 'limit', 'total', 'tag', 'group', 'initial_source', 'ids'])
      expect(params).toContain(name);
    for (const name of ['created_since', 'created_before', 'updated_since', 'updated_before'])
      expect(params).toContain(name);
    expect(
      Object.keys(
        doc.paths['/api/contacts'].get.responses['200'].content['application/json'].schema.properties,
      ),
    ).toEqual(expect.arrayContaining(['data', 'next_cursor', 'total', 'total_is_lower_bound']));
    expect(doc.paths['/api/contacts/bulk'].post).toBeDefined();
  });

  it('tags, untags and groups a selection with honest counts, each change in the history', async () => {
    const ids: string[] = [];
    for (const [name, tags] of [
      ['Bulk A', ['Fair']],
      ['Bulk B', []],
      ['Bulk C', []],
    ] as const)
      ids.push((await call('POST', '/api/contacts', { token: agent, body: { name, tags } })).body.id);
    const add = await call('POST', '/api/contacts/bulk', {
      token: agent,
      body: { selection: { ids }, action: 'add_tags', tags: ['fair'] },
    });
    expect(add.status).toBe(200);
    expect(add.body).toEqual({ action: 'add_tags', selected: 3, changed: 2, unchanged: 1 });
    const history = await call('GET', `/api/contacts/${ids[1]}/history`, { token: agent });
    expect(history.body.data[0]).toMatchObject({
      action: 'updated',
      changes: [{ field: 'tags', old: [], new: ['fair'] }],
    });
    // Each changed contact's timeline says so (written for the batch at once); the unchanged one's not.
    const events = async (id: string) =>
      (await call('GET', `/api/contacts/${id}/timeline`, { token: agent })).body.data;
    for (const id of ids.slice(1))
      expect((await events(id))[0]).toMatchObject({
        contact_id: id,
        type: 'updated',
        channel: 'api',
        data: { fields: ['tags'] },
      });
    expect((await events(ids[0]!)).map((e: { type: string }) => e.type)).toEqual(['created']);
    const remove = await call('POST', '/api/contacts/bulk', {
      token: agent,
      body: { selection: { filter: { q: 'bulk', tag: 'FAIR' } }, action: 'remove_tags', tags: ['Fair'] },
    });
    expect(remove.body).toEqual({ action: 'remove_tags', selected: 3, changed: 3, unchanged: 0 });

    const group = await call('POST', '/api/groups', { token: admin, body: { name: 'Bulk group' } });
    const first = await call('POST', '/api/contacts/bulk', {
      token: agent,
      body: { selection: { ids: ids.slice(0, 2) }, action: 'add_to_group', group_id: group.body.id },
    });
    expect(first.body).toMatchObject({ selected: 2, changed: 2, unchanged: 0 });
    const again = await call('POST', '/api/contacts/bulk', {
      token: agent,
      body: { selection: { ids }, action: 'add_to_group', group_id: group.body.id },
    });
    expect(again.body).toMatchObject({ selected: 3, changed: 1, unchanged: 2 });
    const timeline = await call('GET', `/api/contacts/${ids[2]}/timeline`, { token: agent });
    expect(timeline.body.data[0]).toMatchObject({ type: 'group_added' });
    const members = await call('GET', `/api/contacts?group=${group.body.id}`, { token: agent });
    expect(members.body.total).toBe(3);
  });

  it('refuses a bulk action without what it needs, or on contacts that do not exist', async () => {
    const c = (await call('POST', '/api/contacts', { token: agent, body: { name: 'Lonely' } })).body;
    const noTags = await call('POST', '/api/contacts/bulk', {
      token: agent,
      body: { selection: { ids: [c.id] }, action: 'add_tags' },
    });
    expect(noTags.status).toBe(400);
    expect(noTags.body.error.details).toMatchObject({ field: 'tags' });
    const separated = await call('POST', '/api/contacts/bulk', {
      token: agent,
      body: { selection: { ids: [c.id] }, action: 'add_tags', tags: ['ok', 'a,b'] },
    });
    expect(separated.status).toBe(400);
    expect(separated.body.error.details).toMatchObject({ field: 'tags[1]' });
    expect((await call('GET', `/api/contacts/${c.id}`, { token: agent })).body.tags).toEqual([]);
    const missing = await call('POST', '/api/contacts/bulk', {
      token: agent,
      body: { selection: { ids: [c.id, 'ct_01aaaaaaaaaaaaaaaaaaaaaaaa'] }, action: 'add_tags', tags: ['x'] },
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.details).toMatchObject({
      entity: 'contact',
      id: 'ct_01aaaaaaaaaaaaaaaaaaaaaaaa',
    });
  });

  it('refuses a field of another action instead of leaving it undone', async () => {
    const c = (await call('POST', '/api/contacts', { token: agent, body: { name: 'Mixed' } })).body;
    const group = await call('POST', '/api/groups', { token: admin, body: { name: 'Mixed group' } });
    const tagged = await call('POST', '/api/contacts/bulk', {
      token: agent,
      body: { selection: { ids: [c.id] }, action: 'add_tags', tags: ['mixed'], group_id: group.body.id },
    });
    expect(tagged.status).toBe(400);
    expect(tagged.body.error.details).toMatchObject({ field: 'group_id', value: group.body.id });
    expect(tagged.body.error.message).toContain('is for add_to_group, not add_tags');
    const untagged = await call('POST', '/api/contacts/bulk', {
      token: agent,
      body: { selection: { ids: [c.id] }, action: 'remove_tags', tags: ['mixed'], group_id: group.body.id },
    });
    expect(untagged.status).toBe(400);
    expect(untagged.body.error.details).toMatchObject({ field: 'group_id' });
    const grouped = await call('POST', '/api/contacts/bulk', {
      token: agent,
      body: { selection: { ids: [c.id] }, action: 'add_to_group', group_id: group.body.id, tags: ['mixed'] },
    });
    expect(grouped.status).toBe(400);
    expect(grouped.body.error.details).toMatchObject({ field: 'tags', value: ['mixed'] });
    expect(grouped.body.error.message).toContain('is for add_tags and remove_tags, not add_to_group');
    // Nothing was done by any of them.
    expect((await call('GET', `/api/contacts/${c.id}`, { token: agent })).body.tags).toEqual([]);
    const members = await call('GET', `/api/contacts?group=${group.body.id}`, { token: agent });
    expect(members.body.total).toBe(0);
  });

  it(`lets only admins act on more than ${AGENT_BULK_LIMIT} contacts selected by a filter`, async () => {
    await bulkInsert(server, AGENT_BULK_LIMIT + 1, (i) => ({ name: `Crowd ${i}`, initial_source: 'Crowd' }));
    const group = await call('POST', '/api/groups', { token: admin, body: { name: 'Crowd' } });
    const body = {
      selection: { filter: { initial_source: 'Crowd' } },
      action: 'add_to_group',
      group_id: group.body.id,
    };
    const refused = await call('POST', '/api/contacts/bulk', { token: agent, body });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain(`${AGENT_BULK_LIMIT + 1} contacts`);
    expect(refused.body.error.code).toBe('selection_too_large');
    expect(refused.body.error.details).toEqual({
      field: 'selection.filter',
      limit: AGENT_BULK_LIMIT,
      selected: AGENT_BULK_LIMIT + 1,
      selected_is_lower_bound: false,
      role: 'agent',
      reason: 'needs_admin',
    });
    // The count says so beforehand, exactly, with each caller's limit.
    const counted = await call('POST', '/api/contacts/count', {
      token: agent,
      body: { filter: { initial_source: 'Crowd' } },
    });
    expect(counted.status).toBe(200);
    expect(counted.body).toEqual({
      count: AGENT_BULK_LIMIT + 1,
      count_is_lower_bound: false,
      limit: AGENT_BULK_LIMIT,
    });
    const searched = await call('POST', '/api/contacts/count', {
      token: admin,
      body: { filter: { q: 'Crowd' } },
    });
    // A search's list total is a lower bound past 1,000; the count is exact.
    expect(searched.body).toEqual({
      count: AGENT_BULK_LIMIT + 1,
      count_is_lower_bound: false,
      limit: BULK_LIMIT,
    });
    const listed = await call('GET', '/api/contacts?q=Crowd&limit=1', { token: admin });
    expect(listed.body.total_is_lower_bound).toBe(true);
    const done = await call('POST', '/api/contacts/bulk', { token: admin, body });
    expect(done.body).toEqual({
      action: 'add_to_group',
      selected: AGENT_BULK_LIMIT + 1,
      changed: AGENT_BULK_LIMIT + 1,
      unchanged: 0,
    });
  }, 120_000);
});

describe(`the list's time limit on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let agent: string;

  beforeAll(async () => {
    // One millisecond: any query examining thousands of rows runs past it.
    server = await startTestServer({ KITH_QUERY_TIMEOUT_MS: '1' });
    ({ agent } = await adminAndAgentTokens(server));
    await bulkInsert(server, 20_000, (i) => ({ name: `Slow ${i}`, initial_source: `source ${i}` }));
  }, 120_000);
  afterAll(async () => server.close());

  it('answers 503 query_timeout instead of hanging', async () => {
    // An initial source no index serves: found by reading every contact.
    const r = await api(server.baseUrl, 'GET', '/api/contacts?initial_source=nowhere', { token: agent });
    expect(r.status).toBe(503);
    expect(r.body.error).toMatchObject({ code: 'query_timeout', details: { timeout_ms: 1 } });
    expect(r.body.error.message).toContain('narrow the search or the filters');
  });
});
