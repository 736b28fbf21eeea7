/**
 * Every 400 names a field inside the input one way (src/domain/field-path.ts): keys joined by dots, a
 * list's positions in brackets. The same notation whether the route's schema, a service's zod schema
 * or a hand-written check refused it, in each area that names nested or listed fields.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { adminAndAgentTokens, api, startTestServer, type TestServer } from '../support/test-server.js';

interface Detail {
  field: string;
  value?: unknown;
  reason: string;
}

describe(`error field paths over HTTP on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  let contactId: string;
  const call = (method: string, path: string, body?: unknown) =>
    api<{ error: { code: string; message: string; details: Detail | Detail[] } }>(
      server.baseUrl,
      method,
      path,
      {
        token: admin,
        body,
      },
    );
  /** The refused fields of a 400, in order. */
  const fieldsOf = async (method: string, path: string, body: unknown) => {
    const r = await call(method, path, body);
    expect(r.status, JSON.stringify(r.body)).toBe(400);
    // One refused field's details are an object, several an array.
    return [r.body.error.details].flat().map((d) => d.field);
  };
  const upload = async (path: string, fields: Record<string, string>) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    form.append('file', new Blob(['order,phone\nA-1,13600000001\n'], { type: 'text/csv' }), 'f.csv');
    const r = await fetch(`${server.baseUrl}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}` },
      body: form,
    });
    return { status: r.status, body: (await r.json()) as { error: { message: string; details: Detail } } };
  };

  beforeAll(async () => {
    server = await startTestServer();
    ({ admin } = await adminAndAgentTokens(server));
    contactId = (await server.kith.contacts.create({ name: 'Ann' }, SYSTEM_ACTOR)).id;
  });
  afterAll(async () => server.close());

  it('automation rules: zod’s and the rule checks’ paths alike', async () => {
    const rule = (conditions: unknown, actions: unknown) => ({
      name: 'Paths',
      event: 'conversation_updated',
      conditions,
      actions,
    });
    // The rule's zod schema: a list item of a list in a list.
    expect(
      await fieldsOf(
        'POST',
        '/api/rules',
        rule({ all: [] }, [{ action: 'send_email', to: ['a@example.com', 'nope'], subject: 's', body: 'b' }]),
      ),
    ).toEqual(['actions[0].to[1]']);
    // A key an action does not have.
    expect(
      await fieldsOf(
        'POST',
        '/api/rules',
        rule({ all: [] }, [{ action: 'add_label', labels: ['x'], tag: 1 }]),
      ),
    ).toEqual(['actions[0].tag']);
    // The conditions' own check, and the references' check.
    const refused = await call(
      'POST',
      '/api/rules',
      rule({ all: [{ any: [{ attribute: 'status', operator: 'equal_to' }] }] }, [
        { action: 'add_label', labels: ['x'] },
        { action: 'assign_agent', agent_id: 'usr_nobody' },
      ]),
    );
    expect(refused.status).toBe(400);
    expect([refused.body.error.details].flat().map((d) => d.field)).toEqual([
      'conditions.all[0].any[0].value',
    ]);
    expect(
      await fieldsOf(
        'POST',
        '/api/rules',
        rule({ all: [] }, [
          { action: 'add_label', labels: ['x'] },
          { action: 'assign_agent', agent_id: 'usr_nobody' },
        ]),
      ),
    ).toEqual(['actions[1].agent_id']);
  });

  it('contacts: the route’s schema (through a union), a batch’s records, a contact’s lists', async () => {
    expect(
      await fieldsOf('POST', '/api/contacts/bulk', {
        selection: { ids: ['ct_a', 5] },
        action: 'add_tags',
        tags: ['vip'],
      }),
    ).toEqual(['selection.ids[1]']);
    expect(
      await fieldsOf('POST', '/api/contacts/bulk', {
        selection: { ids: ['ct_a'] },
        action: 'add_tags',
        tags: ['vip', 7],
      }),
    ).toEqual(['tags[1]']);
    // A batch answers each record's outcome: the one that is not an object is named by its position.
    const batch = await api(server.baseUrl, 'POST', '/api/contacts/upsert', {
      token: admin,
      body: { records: [{ name: 'B', email: 'b@example.com' }, 5] },
    });
    expect(batch.status).toBe(200);
    expect(batch.body.results[1].error.details).toMatchObject({ field: 'records[1]', value: 5 });
    expect(
      await fieldsOf('POST', '/api/contacts', { name: 'C', additional_emails: ['c@example.com', 'nope'] }),
    ).toEqual(['additional_emails[1]']);
  });

  it('segments: a tag of several', async () => {
    expect(
      await fieldsOf('POST', `/api/contacts/${contactId}/tags`, { tags: ['ok', 'x'.repeat(101)] }),
    ).toEqual(['tags[1]']);
  });

  it('conversations and exports: a list’s item in a service’s schema', async () => {
    expect(
      await fieldsOf('POST', '/api/conversations', {
        inbox_id: 'inb_x',
        contact_id: contactId,
        labels: ['ok', ''],
      }),
    ).toEqual(['labels[1]']);
    expect(await fieldsOf('POST', '/api/exports', { format: 'csv', filters: { ids: ['ct_a', 5] } })).toEqual([
      'filters.ids[1]',
    ]);
  });

  it('sync: a webhook’s events', async () => {
    expect(
      await fieldsOf('POST', '/api/webhooks', {
        url: 'https://hooks.example.com/kith',
        events: ['contact.created', 'import.done'],
      }),
    ).toEqual(['events[1]']);
  });

  it('dedupe: the matching rules', async () => {
    expect(
      await fieldsOf('PUT', '/api/duplicates/rules', {
        fields: [
          { field: 'email', comparator: 'email' },
          { field: 'phone', comparator: 'fuzzy' },
        ],
      }),
    ).toEqual(['rules.fields[1].comparator']);
  });

  it('imports and order files: an option’s list item', async () => {
    const contacts = await upload('/api/imports/preview', { options: JSON.stringify({ tags: ['ok', 5] }) });
    expect(contacts.status).toBe(400);
    expect(contacts.body.error.details.field).toBe('options.tags[1]');
    const orders = await upload('/api/imports', {
      kind: 'orders',
      mapping: JSON.stringify({ order: 'order_number', phone: 'customer.phone' }),
      options: JSON.stringify({ tags: ['ok', 'x'.repeat(101)] }),
    });
    expect(orders.status).toBe(400);
    expect(orders.body.error.details.field).toBe('options.tags[1]');
  });

  it('order files: a refused option is named as the request sent it', async () => {
    const start = (options: Record<string, unknown>) =>
      upload('/api/imports', {
        kind: 'orders',
        mapping: JSON.stringify({ order: 'order_number', phone: 'customer.phone' }),
        options: JSON.stringify(options),
      });
    for (const [options, field] of [
      [{ order_source: 'My Shop!' }, 'options.order_source'],
      [{ currency: 'RM' }, 'options.currency'],
      [{ utc_offset: '+8 hours' }, 'options.utc_offset'],
    ] as const) {
      const refused = await start(options);
      expect(refused.status).toBe(400);
      expect(refused.body.error.details).toMatchObject({ field, value: Object.values(options)[0] });
      expect(refused.body.error.message).toMatch(new RegExp(`^${field.replace('.', '\\.')}: `));
    }
  });
});
