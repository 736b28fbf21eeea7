import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../support/test-kith.js';
import { adminAndAgentTokens, api, startTestServer, type TestServer } from '../support/test-server.js';

describe(`contacts API over HTTP on ${TEST_DIALECT}`, () => {
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

  it('creates, reads, updates and soft-deletes a contact', async () => {
    const created = await call('POST', '/api/contacts', {
      token: agent,
      body: {
        name: ' 李娜 ',
        phone: '１３８００１３８０１２',
        email: 'Li.Na@Example.com',
        tags: ['VIP'],
        external_id: 'CRM-7',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: '李娜',
      phone: '+8613800138012',
      email: 'li.na@example.com',
      identities: { external_id: 'CRM-7' },
    });
    const id = created.body.id;

    const patched = await call('PATCH', `/api/contacts/${id}`, {
      token: agent,
      body: { city: '杭州', email: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ city: '杭州', email: null, phone: '+8613800138012' });

    const history = await call('GET', `/api/contacts/${id}/history`, { token: agent });
    expect(history.body.data[0]).toMatchObject({
      action: 'updated',
      channel: 'api',
      changes: expect.arrayContaining([{ field: 'city', old: null, new: '杭州' }]),
    });
    const timeline = await call('GET', `/api/contacts/${id}/timeline`, { token: agent });
    expect(timeline.body.data.map((e: { type: string }) => e.type)).toEqual(['updated', 'created']);

    expect((await call('DELETE', `/api/contacts/${id}`, { token: agent })).status).toBe(403);
    expect((await call('DELETE', `/api/contacts/${id}`, { token: admin })).status).toBe(204);
    const gone = await call('GET', `/api/contacts/${id}`, { token: agent });
    expect(gone.status).toBe(404);
    expect(gone.body.error).toMatchObject({ code: 'not_found', details: { entity: 'contact', id } });
  });

  it('answers 409 with the existing id for the same phone in another format', async () => {
    const first = await call('POST', '/api/contacts', {
      token: agent,
      body: { name: 'First', phone: '+86 138 0013 8000' },
    });
    expect(first.status).toBe(201);
    const second = await call('POST', '/api/contacts', {
      token: agent,
      body: { name: 'Second', phone: '008613800138000' },
    });
    expect(second.status).toBe(409);
    expect(second.body.error).toEqual({
      code: 'conflict',
      message: `phone "+8613800138000" already belongs to contact ${first.body.id}`,
      details: { field: 'phone', value: '+8613800138000', existing_id: first.body.id },
    });
    const other = await call('POST', '/api/contacts', { token: agent, body: { name: 'Other' } });
    // An additional phone is named as the list item it is, as validation names one.
    const update = await call('PATCH', `/api/contacts/${other.body.id}`, {
      token: agent,
      body: { additional_phones: ['+86 139 0013 9000', '138-0013-8000'] },
    });
    expect(update.status).toBe(409);
    expect(update.body.error.details).toEqual({
      field: 'additional_phones[1]',
      value: '+8613800138000',
      existing_id: first.body.id,
    });
  });

  it('names the field, the value and the reason for bad input', async () => {
    const bad = await call('POST', '/api/contacts', {
      token: agent,
      body: { email: 'not-an-email', birthday: '1990-02-30', id: 'ct_mine' },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('validation_failed');
    expect(bad.body.error.details).toEqual([
      { field: 'id', value: 'ct_mine', reason: 'is a system field and cannot be written' },
      { field: 'birthday', value: '1990-02-30', reason: 'is not a real calendar date' },
      { field: 'email', value: 'not-an-email', reason: 'is not a valid email address' },
    ]);
    // A spreadsheet's placeholder birthday is refused, not stored to sort first and sync to phones.
    const placeholder = await call('POST', '/api/contacts', {
      token: agent,
      body: { name: 'Placeholder', birthday: '9999-12-31' },
    });
    expect(placeholder.status).toBe(400);
    expect(placeholder.body.error.details).toEqual({
      field: 'birthday',
      value: '9999-12-31',
      reason: 'is in the future',
    });
    const shape = await call('POST', '/api/contacts', { token: agent, body: { name: 42 } });
    expect(shape.status).toBe(400);
    expect(shape.body.error.details[0]).toMatchObject({ field: 'name', value: 42 });
    const phone = await call('POST', '/api/contacts', { token: agent, body: { phone: '12345' } });
    expect(phone.body.error.message).toBe(
      'phone: is not a valid phone number in region CN or internationally (got "12345")',
    );
    const json = await fetch(`${server.baseUrl}/api/contacts`, {
      method: 'POST',
      headers: { authorization: `Bearer ${agent}`, 'content-type': 'application/json' },
      body: '{"name": ',
    });
    expect(json.status).toBe(400);
    expect(((await json.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
  });

  it('upserts by key: 201 then 200 on the same contact', async () => {
    const created = await call('POST', '/api/contacts/upsert?key=external_id', {
      token: agent,
      body: { external_id: 'SHOP-9', name: 'Up' },
    });
    expect(created.status).toBe(201);
    const updated = await call('POST', '/api/contacts/upsert?key=external_id', {
      token: agent,
      body: { external_id: 'SHOP-9', company: 'Acme' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ id: created.body.id, name: 'Up', company: 'Acme' });
    const missing = await call('POST', '/api/contacts/upsert?key=email', {
      token: agent,
      body: { name: 'No email' },
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.field).toBe('email');
  });

  it('lists with free text, tag, attribute and cursor', async () => {
    expect(
      (
        await call('POST', '/api/attributes', {
          token: agent,
          body: { key: 'tier', type: 'list', options: ['Gold'] },
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await call('POST', '/api/attributes', {
          token: admin,
          body: { key: 'tier', type: 'list', options: ['Gold', 'Silver'] },
        })
      ).status,
    ).toBe(201);
    const ids: string[] = [];
    for (const [i, tier] of ['Gold', 'Silver', 'Gold'].entries()) {
      const r = await call('POST', '/api/contacts', {
        token: agent,
        body: { name: `Listed ${i}`, tags: ['listed'], attributes: { tier } },
      });
      ids.push(r.body.id);
    }
    const page1 = await call('GET', '/api/contacts?tag=listed&limit=2', { token: agent });
    expect(page1.body.data.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 2));
    const page2 = await call('GET', `/api/contacts?tag=listed&limit=2&cursor=${page1.body.next_cursor}`, {
      token: agent,
    });
    expect(page2.body).toEqual({
      data: [expect.objectContaining({ id: ids[2] })],
      next_cursor: null,
      total: 3,
      total_is_lower_bound: false,
    });
    const gold = await call('GET', '/api/contacts?tag=listed&attr.tier=gold', { token: agent });
    expect(gold.body.data.map((c: { id: string }) => c.id)).toEqual([ids[0], ids[2]]);
    const text = await call('GET', `/api/contacts?q=${encodeURIComponent('listed 1')}`, { token: agent });
    expect(text.body.data.map((c: { id: string }) => c.id)).toEqual([ids[1]]);
    const badAttr = await call('GET', '/api/contacts?attr.nope=1', { token: agent });
    expect(badAttr.status).toBe(400);
    expect(badAttr.body.error.details.field).toBe('attr.nope');
  });

  it('manages identity types, tags and groups', async () => {
    expect(
      (
        await call('POST', '/api/identity-types', {
          token: admin,
          body: { key: 'wechat_openid', label: 'WeChat' },
        })
      ).status,
    ).toBe(201);
    const dup = await call('POST', '/api/identity-types', { token: admin, body: { key: 'wechat_openid' } });
    expect(dup.status).toBe(409);
    const c = await call('POST', '/api/contacts', {
      token: agent,
      body: { identities: { wechat_openid: 'o6_z' } },
    });
    expect(c.body.identities).toEqual({ wechat_openid: 'o6_z' });
    const tagged = await call('POST', `/api/contacts/${c.body.id}/tags`, {
      token: agent,
      body: { tags: ['alpha', 'beta'] },
    });
    expect(tagged.body.tags).toEqual(['alpha', 'beta']);
    const untagged = await call('DELETE', `/api/contacts/${c.body.id}/tags/ALPHA`, { token: agent });
    expect(untagged.body.tags).toEqual(['beta']);
    const tags = await call('GET', '/api/tags', { token: agent });
    expect(tags.body.data).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: 'beta', contact_count: 1 })]),
    );

    expect((await call('POST', '/api/groups', { token: agent, body: { name: 'G' } })).status).toBe(403);
    const group = await call('POST', '/api/groups', { token: admin, body: { name: 'G' } });
    const added = await call('POST', `/api/groups/${group.body.id}/members`, {
      token: agent,
      body: { contact_ids: [c.body.id] },
    });
    expect(added.body).toEqual({ added: [c.body.id], already_members: [] });
    const members = await call('GET', `/api/contacts?group=${group.body.id}`, { token: agent });
    expect(members.body.data.map((x: { id: string }) => x.id)).toEqual([c.body.id]);
  });

  it('pages the timeline and history by an entry id, and refuses a before that is none', async () => {
    const c = await call('POST', '/api/contacts', { token: agent, body: { name: 'Paged' } });
    await call('PATCH', `/api/contacts/${c.body.id}`, { token: agent, body: { city: '杭州' } });
    for (const [list, prefix] of [
      ['timeline', 'evt_'],
      ['history', 'aud_'],
    ] as const) {
      const first = await call('GET', `/api/contacts/${c.body.id}/${list}?limit=1`, { token: agent });
      expect(first.body.data).toHaveLength(1);
      const next = await call(
        'GET',
        `/api/contacts/${c.body.id}/${list}?limit=1&before=${first.body.data[0].id}`,
        {
          token: agent,
        },
      );
      expect(next.status, list).toBe(200);
      expect(next.body.data[0].id < first.body.data[0].id).toBe(true);
      // Compared as text, "abc" answered an empty page and "zzz" the first one, as if read to the end.
      for (const before of [
        'abc',
        'zzz',
        first.body.data[0].id.toUpperCase(),
        'ct_01m95jbg1aar5h336cw206spf3',
      ]) {
        const r = await call('GET', `/api/contacts/${c.body.id}/${list}?before=${before}`, { token: agent });
        expect(r.status, `${list} ${before}`).toBe(400);
        expect(r.body.error.details).toMatchObject([{ field: 'before', value: before }]);
        expect(r.body.error.message).toContain(prefix);
      }
      expect((await call('GET', `/api/contacts/${c.body.id}/${list}?before=`, { token: agent })).status).toBe(
        200,
      );
    }
  });

  it('answers 404 for an empty contact id among group members to add, and adds none of them', async () => {
    const c = await call('POST', '/api/contacts', { token: agent, body: { name: 'Empty Id Member' } });
    const group = await call('POST', '/api/groups', { token: admin, body: { name: 'Empty id group' } });
    const added = await call('POST', `/api/groups/${group.body.id}/members`, {
      token: agent,
      body: { contact_ids: [c.body.id, ''] },
    });
    expect(added.status).toBe(404);
    expect(added.body.error).toMatchObject({ code: 'not_found', details: { entity: 'contact', id: '' } });
    const after = await call('GET', `/api/groups/${group.body.id}`, { token: agent });
    expect(after.body.member_count).toBe(0);
  });

  it('keeps the tags people add and group names to what survives an export: no list separator, bounded length', async () => {
    const c = await call('POST', '/api/contacts', {
      token: agent,
      body: { name: 'Tag Rules', tags: ['kept'] },
    });
    const refusals: [string, string, unknown, string][] = [
      ['POST', `/api/contacts/${c.body.id}/tags`, { tags: ['a,b;c'] }, 'tags[0]'],
      ['POST', `/api/contacts/${c.body.id}/tags`, { tags: ['fine', 'a；b'] }, 'tags[1]'],
      ['POST', `/api/contacts/${c.body.id}/tags`, { tags: ['t'.repeat(101)] }, 'tags[0]'],
      ['POST', '/api/contacts', { name: 'x', tags: ['t'.repeat(101)] }, 'tags[0]'],
      // A new contact's tags are named by a person too: 'a,b' would come back as two tags.
      ['POST', '/api/contacts', { name: 'x', tags: ['ok', 'a,b'] }, 'tags[1]'],
      ['PATCH', `/api/contacts/${c.body.id}`, { tags: ['kept', 'c;d'] }, 'tags[1]'],
      ['POST', '/api/groups', { name: 'g'.repeat(201) }, 'name'],
    ];
    for (const [method, path, body, field] of refusals) {
      const r = await call(method, path, { token: admin, body });
      expect(r.status, `${path} ${field}`).toBe(400);
      expect(r.body.error.details).toMatchObject({ field });
    }
    const tags = await call('GET', '/api/tags', { token: admin });
    const kept = tags.body.data.find((t: { name: string }) => t.name === 'kept');
    const renamed = await call('PATCH', `/api/tags/${kept.id}`, { token: admin, body: { name: 'x|y' } });
    expect(renamed.status).toBe(400);
    expect(renamed.body.error.details).toMatchObject({ field: 'name' });
    // A contact whose tag list already holds one written before (or synced) still takes new tags,
    // through the tag actions and through an edit of its whole list.
    const held = await server.kith.contacts.createFromPatch(
      { scalars: { name: 'Held' }, tags: ['Friends, Family'] },
      { userId: null, channel: 'system' },
    );
    expect(held.tags).toEqual(['Friends, Family']);
    const more = await call('POST', `/api/contacts/${held.id}/tags`, {
      token: agent,
      body: { tags: ['VIP'] },
    });
    expect(more.status).toBe(200);
    expect(more.body.tags).toEqual(['Friends, Family', 'VIP']);
    const edited = await call('PATCH', `/api/contacts/${held.id}`, {
      token: agent,
      body: { tags: ['Friends, Family', 'VIP', 'Gold'] },
    });
    expect(edited.status).toBe(200);
    expect(edited.body.tags).toEqual(['Friends, Family', 'Gold', 'VIP']);
  });
});
