/**
 * Hostile input over HTTP: malformed text, misspelt fields, odd query strings and URLs each answer a
 * 400 naming the field, the value and the reason — never a 500, never a silent no-op or partial write.
 */
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../support/test-kith.js';
import { adminAndAgentTokens, api, startTestServer, type TestServer } from '../support/test-server.js';

describe(`hostile input over HTTP on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;
  const call = (method: string, path: string, options: Parameters<typeof api>[3] = {}) =>
    api(server.baseUrl, method, path, { token: admin, ...options });
  const contactCount = async () => (await call('GET', '/api/contacts')).body.total as number;

  beforeAll(async () => {
    server = await startTestServer();
    ({ admin } = await adminAndAgentTokens(server));
  });
  afterAll(async () => server.close());

  describe('bodies that are not UTF-8', () => {
    /** Sends `bytes` as a JSON body as they are (fetch would re-encode a string). */
    const sendBytes = (method: string, path: string, bytes: Buffer) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const url = new URL(path, server.baseUrl);
        const request = http.request(
          url,
          {
            method,
            headers: {
              authorization: `Bearer ${admin}`,
              'content-type': 'application/json',
              'content-length': bytes.length,
            },
          },
          (response) => {
            let text = '';
            response.on('data', (c: Buffer) => (text += c.toString('utf8')));
            response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
          },
        );
        request.on('error', reject);
        request.end(bytes);
      });

    it('refuses a name sent in GBK or Latin-1 naming the byte, instead of storing it as U+FFFD', async () => {
      const before = await contactCount();
      // 张伟 in GBK, and Müller in Latin-1: neither is UTF-8.
      for (const [name, at, byte] of [
        [Buffer.from([0xd5, 0xc5, 0xce, 0xb0]), 9, '0xd5'],
        [Buffer.from('M\xfcller', 'latin1'), 10, '0xfc'],
      ] as const) {
        const body = Buffer.concat([Buffer.from('{"name":"'), name, Buffer.from('"}')]);
        const refused = await sendBytes('POST', '/api/contacts', body);
        expect(refused.status).toBe(400);
        expect(refused.body.error).toMatchObject({
          code: 'validation_failed',
          details: { field: 'body', value: byte },
        });
        expect(refused.body.error.message).toBe(
          `body: is not UTF-8 text: byte ${at} starts no UTF-8 character; send JSON encoded as UTF-8 (got "${byte}")`,
        );
      }
      // A character cut short at the end of the body too.
      const cut = await sendBytes('POST', '/api/contacts', Buffer.from([0x7b, 0x22, 0xe5, 0xbc]));
      expect(cut.body.error.details).toMatchObject({ field: 'body', value: '0xe5' });
      expect(await contactCount()).toBe(before);
      // UTF-8 (张伟) is read as before, and JSON's own mistakes are still named as such.
      const ok = await sendBytes('POST', '/api/contacts', Buffer.from('{"name":"张伟"}'));
      expect(ok.status).toBe(201);
      expect(ok.body.name).toBe('张伟');
      const broken = await sendBytes('POST', '/api/contacts', Buffer.from('{"name":'));
      expect(broken.body.error.code).toBe('invalid_json');
      const poisoned = await sendBytes('POST', '/api/contacts', Buffer.from('{"__proto__":{"x":1}}'));
      expect(poisoned.status).toBe(400);
    });
  });

  describe('lone UTF-16 surrogates', () => {
    const LONE = '\ud800';

    it('refuses a tag holding one by name instead of failing as an internal error, and writes nothing', async () => {
      const before = await contactCount();
      const created = await call('POST', '/api/contacts', { body: { name: 'Lone', tags: ['ok', LONE] } });
      expect(created.status).toBe(400);
      expect(created.body.error).toMatchObject({
        code: 'validation_failed',
        details: { field: 'tags[1]', value: LONE },
      });
      expect(created.body.error.message).toMatch(/^tags\[1\]: holds half of a UTF-16 surrogate pair/);
      expect(await contactCount()).toBe(before);
    });

    it('refuses one in a name, a nested record of an upsert, or a key, leaving the contact as it was', async () => {
      const contact = (await call('POST', '/api/contacts', { body: { name: 'Whole' } })).body;
      const patched = await call('PATCH', `/api/contacts/${contact.id}`, { body: { name: `a${LONE}b` } });
      expect(patched.status).toBe(400);
      expect(patched.body.error.details).toMatchObject({ field: 'name', value: `a${LONE}b` });
      expect((await call('GET', `/api/contacts/${contact.id}`)).body.name).toBe('Whole');

      const before = await contactCount();
      const upsert = await call('POST', '/api/contacts/upsert', {
        body: { records: [{ email: 'fine@example.com' }, { email: 'x@example.com', tags: [LONE] }] },
      });
      expect(upsert.status).toBe(400);
      expect(upsert.body.error.details).toMatchObject({ field: 'records[1].tags[0]' });
      expect(await contactCount()).toBe(before);

      const key = await call('POST', '/api/contacts', { body: { attributes: { [`k${LONE}`]: 'v' } } });
      expect(key.status).toBe(400);
      expect(key.body.error.details).toMatchObject({ field: `attributes.k${LONE}` });
    });
  });

  describe('bodies nested past any request', () => {
    it('refuses a body nested 100,000 deep with a 400, with or without an Idempotency-Key, writing nothing', async () => {
      const before = await contactCount();
      const deep = `{"name":"Deep","zz":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
      for (const headers of [{}, { 'idempotency-key': 'deep-1' }] as Record<string, string>[]) {
        const response = await fetch(`${server.baseUrl}/api/contacts`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json', ...headers },
          body: deep,
        });
        const answer = (await response.json()) as any;
        expect(response.status).toBe(400);
        expect(answer.error.message).toBe(
          'body: is nested more than 256 levels deep; no request of this API nests that deep (got (a value nested more than 32 levels deep))',
        );
      }
      expect(await contactCount()).toBe(before);
    });
  });

  describe('addresses the router cannot read', () => {
    it('answers a percent-encoding that is not UTF-8 in the error shape every answer has', async () => {
      for (const path of ['/api/contacts/%ED%A0%80', '/api/webhooks/%C3/deliveries']) {
        const bad = await call('GET', path);
        expect(bad.status).toBe(400);
        expect(bad.body.error.code).toBe('bad_url');
        expect(bad.body.error.message).toContain(path);
        expect(bad.body.error.message).toContain('not UTF-8');
        expect(JSON.stringify(bad.body)).not.toContain('FST_');
      }
    });

    it('answers a path segment too long for any id with 414 in the same shape, without echoing all of it', async () => {
      const long = await call('GET', `/api/contacts/${'a'.repeat(5000)}`);
      expect(long.status).toBe(414);
      expect(long.body.error.code).toBe('uri_too_long');
      expect(long.body.error.message).toMatch(/longer than 100 characters/);
      expect(long.body.error.message.length).toBeLessThan(400);
      const resend = await call('POST', `/api/users/invites/${'b'.repeat(5000)}/resend`, { body: {} });
      expect(resend.status).toBe(414);
      expect(resend.body.error.code).toBe('uri_too_long');
    });
  });

  describe('fields a body does not have', () => {
    it('refuses a misspelt dry_run on a merge by name instead of merging for real', async () => {
      const a = (
        await call('POST', '/api/contacts', { body: { name: 'Keep A', email: 'keep.a@example.com' } })
      ).body;
      const b = (
        await call('POST', '/api/contacts', { body: { name: 'Keep B', email: 'keep.b@example.com' } })
      ).body;
      const merge = await call('POST', '/api/contacts/merge', {
        body: { contact_ids: [a.id, b.id], dryrun: true },
      });
      expect(merge.status).toBe(400);
      expect(merge.body.error.details).toEqual([
        {
          field: 'dryrun',
          value: true,
          reason: 'is not a field here; the fields are contact_ids, survivor_id, prefer, dry_run',
        },
      ]);
      expect(merge.body.error.message).toBe(
        'dryrun: is not a field here; the fields are contact_ids, survivor_id, prefer, dry_run (got true)',
      );
      expect((await call('GET', `/api/contacts/${b.id}`)).status).toBe(200);
    });

    it('names each unknown field of a strict body, hiding a secret-looking one, and changes nothing', async () => {
      const users = (await call('GET', '/api/users')).body.data as { id: string; email: string }[];
      const agent = users.find((u) => u.email === 'agent@example.com')!;
      const disable = await call('PATCH', `/api/users/${agent.id}`, { body: { disable: true } });
      expect(disable.status).toBe(400);
      expect(disable.body.error.details).toEqual([
        {
          field: 'disable',
          value: true,
          reason: 'is not a field here; the fields are role, name, password, disabled',
        },
      ]);
      expect(
        (await call('GET', '/api/users')).body.data.find((u: { id: string }) => u.id === agent.id).disabled,
      ).toBe(false);

      const me = await call('PATCH', '/api/auth/me', { body: { role: 'admin', new_password: 'x' } });
      expect(me.status).toBe(400);
      expect(me.body.error.details).toEqual([
        expect.objectContaining({ field: 'role', value: 'admin' }),
        expect.objectContaining({ field: 'new_password', value: '(hidden)' }),
      ]);
      expect(me.body.error.details[0].reason).toBe(
        'is not a field here; the fields are name, language, password, current_password',
      );
    });
  });

  describe('query strings', () => {
    it('says what a limit must be, with the value sent, whatever was sent', async () => {
      for (const [path, max] of [
        ['/api/contacts', 500],
        ['/api/audit', 200],
        ['/api/changes', 10000],
        ['/api/imports', 500],
      ] as const) {
        for (const sent of ['abc', '1.5', '1e309', '99999999999999999999', '0', '', '0x10', '1e2', '-5']) {
          const answer = await call('GET', `${path}?limit=${sent}`);
          expect(answer.status, `${path}?limit=${sent}`).toBe(400);
          expect(answer.body.error.message).toBe(
            `limit: must be a whole number from 1 to ${max} (got ${JSON.stringify(sent)})`,
          );
        }
      }
    });

    it('refuses a date bound that is not ISO 8601 instead of reading "1" as 2001 or Feb 30 as March 2', async () => {
      for (const [path, field] of [
        ['/api/contacts?created_since=', 'created_since'],
        ['/api/orders?since=', 'since'],
        ['/api/audit?since=', 'since'],
        ['/api/reports/agents?from=', 'from'],
      ] as const) {
        for (const sent of ['1', 'March 7', '2026-02-30', '12/31/2026']) {
          const answer = await call('GET', `${path}${encodeURIComponent(sent)}`);
          expect(answer.status, `${path}${sent}`).toBe(400);
          expect(answer.body.error.details).toMatchObject({ field, value: sent });
        }
        for (const fine of ['2026-11-22', '2026-11-22T08:00Z', '2026-11-22T08:00:00.000+08:00'])
          expect((await call('GET', `${path}${encodeURIComponent(fine)}`)).status, `${path}${fine}`).toBe(
            200,
          );
      }
    });

    it('refuses a misspelt filter of the orders list and export by name instead of answering every order', async () => {
      const list = await call('GET', '/api/orders?statuss=paid');
      expect(list.status).toBe(400);
      expect(list.body.error.details).toEqual([
        {
          field: 'statuss',
          value: 'paid',
          reason:
            'is not a parameter here; the parameters are contact_id, status, source, since, before, min_amount, max_amount, q, cursor, limit, total',
        },
      ]);
      const file = await call('GET', '/api/orders/export?format=csv&sinse=2026-01-01');
      expect(file.status).toBe(400);
      expect(file.body.error.details[0]).toMatchObject({ field: 'sinse', value: '2026-01-01' });
      const audit = await call('GET', '/api/audit?entity=contact');
      expect(audit.status).toBe(400);
      expect(audit.body.error.message).toMatch(
        /^entity: is not a parameter here; the parameters are entity_type, /,
      );
    });

    it('names a parameter given twice instead of reading it as NaN or a list', async () => {
      const limit = await call('GET', '/api/contacts?limit=1&limit=2');
      expect(limit.status).toBe(400);
      expect(limit.body.error.details).toEqual([
        { field: 'limit', value: ['1', '2'], reason: 'is given 2 times; give it once' },
      ]);
      const q = await call('GET', '/api/contacts?q=a&q=b&q=c');
      expect(q.body.error.message).toBe('q: is given 3 times; give it once (got ["a","b","c"])');
    });

    it('says a field left out is required, not that it was null', async () => {
      const rule = await call('POST', '/api/teams', { body: {} });
      expect(rule.status).toBe(400);
      expect(rule.body.error.message).toBe('name: is required (got nothing)');
      expect(rule.body.error.details).toEqual([{ field: 'name', value: null, reason: 'is required' }]);
    });
  });

  describe('import uploads', () => {
    const CSV = 'name,email\nUpload Person,upload.person@example.com\n';
    const upload = async (path: string, parts: Record<string, string>, withFile = true) => {
      const form = new FormData();
      for (const [name, value] of Object.entries(parts)) form.append(name, value);
      if (withFile) form.append('file', new Blob([CSV], { type: 'text/csv' }), 'people.csv');
      const response = await fetch(`${server.baseUrl}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}` },
        body: form,
      });
      return { status: response.status, body: (await response.json()) as any };
    };
    const imported = async () =>
      (await call('GET', '/api/contacts?q=upload.person@example.com')).body.total as number;

    it('refuses a misspelt option by name instead of importing for real', async () => {
      const answer = await upload('/api/imports', { options: JSON.stringify({ dryRun: true }) });
      expect(answer.status).toBe(400);
      expect(answer.body.error.details).toMatchObject({ field: 'options.dryRun', value: true });
      expect(answer.body.error.details.reason).toMatch(/^is not an import option; the options are .*dry_run/);
      expect((await call('GET', '/api/imports')).body.data).toEqual([]);
      expect(await imported()).toBe(0);
    });

    it('refuses a part it does not read (a misspelt "options") and a file sent as text', async () => {
      const misspelt = await upload('/api/imports', { option: JSON.stringify({ dry_run: true }) });
      expect(misspelt.status).toBe(400);
      expect(misspelt.body.error.details).toMatchObject({ field: 'option' });
      expect(misspelt.body.error.details.reason).toBe(
        'is not a part of an import upload; the parts are file, orders_file, items_file, upload_id, kind, mapping, options',
      );
      const asText = await upload('/api/imports/preview', { file: '/home/me/people.csv' }, false);
      expect(asText.status).toBe(400);
      expect(asText.body.error.details).toMatchObject({ field: 'file', value: '/home/me/people.csv' });
      expect((await call('GET', '/api/imports')).body.data).toEqual([]);
      expect(await imported()).toBe(0);
    });

    it('fails only the row of a JSON file whose tag is half a surrogate pair, naming it, and imports the rest', async () => {
      const json =
        '[{"name":"Half One","email":"half.one@example.com","tags":"\\ud800"},{"name":"Half Two","email":"half.two@example.com","tags":"ok"}]';
      const form = new FormData();
      form.append('mapping', JSON.stringify({ name: 'name', email: 'email', tags: 'tags' }));
      form.append('file', new Blob([json], { type: 'application/json' }), 'people.json');
      const started = await fetch(`${server.baseUrl}/api/imports`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}` },
        body: form,
      });
      expect(started.status).toBe(202);
      const id = ((await started.json()) as any).id as string;
      let record: any;
      for (let i = 0; i < 200; i++) {
        record = (await call('GET', `/api/imports/${id}`)).body;
        if (!['queued', 'running'].includes(record.status)) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(record).toMatchObject({ status: 'completed', created: 1, failed: 1, error: null });
      const failures = await fetch(`${server.baseUrl}/api/imports/${id}/failures`, {
        headers: { authorization: `Bearer ${admin}` },
      });
      expect(await failures.text()).toContain('tags: holds half of a UTF-16 surrogate pair');

      const options = await upload('/api/imports', { options: '{"tags":["\\udc00"]}' });
      expect(options.status).toBe(400);
      expect(options.body.error.details).toMatchObject({ field: 'options.tags[0]', value: '\udc00' });
    });

    it('answers a body that is not the multipart it claims with a 400, not an internal error', async () => {
      const response = await fetch(`${server.baseUrl}/api/imports/preview`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'multipart/form-data' },
        body: 'garbage',
      });
      const answer = (await response.json()) as any;
      expect(response.status).toBe(400);
      expect(answer.error).toMatchObject({
        code: 'validation_failed',
        details: { field: 'body', value: 'multipart/form-data' },
      });
      expect(answer.error.message).toMatch(
        /^body: is not well-formed multipart\/form-data \(Multipart: Boundary not found\)/,
      );
    });
    it('answers a multipart body cut short (no closing boundary) at once with a 400, on both stores', async () => {
      const boundary = 'XBOUNDARY';
      const file = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\nname,email\r\nA,a@example.com\r\n`;
      const before = (await call('GET', '/api/imports')).body.data.length;
      // Cut inside the file; and inside the options after a whole file (a dry run must not run for real).
      for (const body of [
        file,
        `${file}--${boundary}\r\nContent-Disposition: form-data; name="options"\r\n\r\n{"dry_run": true}`,
      ]) {
        const started = Date.now();
        const response = await fetch(`${server.baseUrl}/api/imports`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${admin}`,
            'content-type': `multipart/form-data; boundary=${boundary}`,
          },
          body,
          signal: AbortSignal.timeout(20_000),
        });
        const answer = (await response.json()) as any;
        expect(response.status, JSON.stringify(answer)).toBe(400);
        expect(answer.error.message).toMatch(/^body: is not well-formed multipart\/form-data/);
        expect(Date.now() - started).toBeLessThan(10_000);
      }
      expect((await call('GET', '/api/imports')).body.data.length).toBe(before);

      // A whole body whose closing delimiter arrives split over several packets is whole.
      const whole = Buffer.from(
        `${file}--${boundary}\r\nContent-Disposition: form-data; name="options"\r\n\r\n{"dry_run": true}\r\n--${boundary}--\r\n`,
      );
      const answer = await new Promise<{ status: number; body: any }>((resolve, reject) => {
        const request = http.request(`${server.baseUrl}/api/imports`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${admin}`,
            'content-type': `multipart/form-data; boundary=${boundary}`,
            'content-length': whole.length,
          },
        });
        request.on('response', (response) => {
          let text = '';
          response.on('data', (d) => (text += d));
          response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(text) }));
        });
        request.on('error', reject);
        request.on('socket', (socket) => socket.setNoDelay(true));
        void (async () => {
          for (let at = 0; at < whole.length; at += 5) {
            request.write(whole.subarray(at, at + 5));
            await new Promise((r) => setTimeout(r, 2));
          }
          request.end();
        })();
      });
      expect(answer.status, JSON.stringify(answer.body)).toBe(202);
      expect(answer.body.dry_run).toBe(true);
    });
  });

  describe('fields a service does not have', () => {
    it('refuses a misspelt "filters" of an export by name instead of exporting every contact', async () => {
      const before = (await call('GET', '/api/exports')).body.data.length;
      const all = await call('POST', '/api/exports', { body: { format: 'csv', filter: { tag: 'vip' } } });
      expect(all.status).toBe(400);
      expect(all.body.error.details).toEqual([
        {
          field: 'filter',
          value: { tag: 'vip' },
          reason:
            'is not a field here; the fields are kind, format, filters, columns, column_names, time_zone',
        },
      ]);
      const nested = await call('POST', '/api/exports', {
        body: { format: 'csv', filters: { tags: 'vip' } },
      });
      expect(nested.status).toBe(400);
      expect(nested.body.error.details[0]).toMatchObject({ field: 'filters.tags', value: 'vip' });
      expect(nested.body.error.details[0].reason).toMatch(/^is not a field here; the fields are q, tag, /);
      expect((await call('GET', '/api/exports')).body.data.length).toBe(before);
    });

    it('names the unknown field of a body a service checks (webhooks, matching policy), not "body"', async () => {
      const hook = await call('POST', '/api/webhooks', {
        body: { url: 'https://example.com/hook', events: ['contact.created'], descriptio: 'typo' },
      });
      expect(hook.status).toBe(400);
      expect(hook.body.error.details).toEqual([
        expect.objectContaining({ field: 'descriptio', value: 'typo' }),
      ]);
      expect(hook.body.error.details[0].reason).toMatch(/^is not a field here; the fields are url, events, /);
      expect((await call('GET', '/api/webhooks')).body.data).toEqual([]);

      const policy = await call('PATCH', '/api/duplicates/policy', {
        body: { on_create: 'warn', oncreate: 'block' },
      });
      expect(policy.status).toBe(400);
      expect(policy.body.error.details).toEqual([
        expect.objectContaining({ field: 'policy.oncreate', value: 'block' }),
      ]);
    });
  });

  describe('text past any sensible length', () => {
    it('refuses a name, label or description far too long by name, and stores nothing', async () => {
      const long = 'n'.repeat(5000);
      const cases: [string, string, unknown, string, number][] = [
        ['POST', '/api/teams', { name: long }, 'name', 200],
        ['POST', '/api/tokens', { name: long }, 'name', 200],
        ['POST', '/api/identity-types', { key: 'long_label', label: long }, 'label', 200],
        ['POST', '/api/attributes', { key: 'long_label', type: 'text', label: long }, 'label', 200],
        [
          'POST',
          '/api/attributes',
          { key: 'long_desc', type: 'text', description: long },
          'description',
          1000,
        ],
        ['POST', '/api/groups', { name: 'Long description', description: long }, 'description', 1000],
      ];
      for (const [method, path, body, field, max] of cases) {
        const answer = await call(method, path, { body });
        expect(answer.status, `${path} ${field}`).toBe(400);
        expect(answer.body.error.details).toMatchObject({
          field,
          reason: `is longer than ${max.toLocaleString('en')} characters`,
        });
      }
      expect((await call('GET', '/api/teams')).body.data).toEqual([]);
      expect(
        (await call('GET', '/api/identity-types')).body.data.map((t: { key: string }) => t.key),
      ).not.toContain('long_label');
      expect((await call('GET', '/api/attributes')).body.data).toEqual([]);
      expect((await call('GET', '/api/groups')).body.data).toEqual([]);
      const team = (await call('POST', '/api/teams', { body: { name: 'Support' } })).body;
      const renamed = await call('PATCH', `/api/teams/${team.id}`, { body: { name: long } });
      expect(renamed.status).toBe(400);
      expect((await call('GET', '/api/teams')).body.data[0].name).toBe('Support');
    });
  });

  describe('a body that matches none of the shapes a field takes', () => {
    it('names the part of the closest shape that is wrong, not "Invalid input"', async () => {
      // A rule condition written with `field` for `attribute` (checked by the rules service).
      const rule = await call('POST', '/api/rules', {
        body: {
          name: 'Shape',
          event: 'conversation_updated',
          conditions: { all: [{ field: 'status', operator: 'equal_to', value: 'open' }] },
          actions: [{ action: 'add_label', labels: ['x'] }],
        },
      });
      expect(rule.status).toBe(400);
      expect(rule.body.error.message).not.toContain('Invalid input');
      expect(rule.body.error.details).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'conditions.all[0].attribute', reason: 'is required' }),
          expect.objectContaining({ field: 'conditions.all[0].field', value: 'status' }),
        ]),
      );
      // A bulk selection with `id` for `ids` (checked by the route's schema).
      const bulk = await call('POST', '/api/contacts/bulk', {
        body: { selection: { id: ['ct_x'] }, action: 'add_tags', tags: ['t'] },
      });
      expect(bulk.status).toBe(400);
      expect(bulk.body.error.message).not.toContain('Invalid input');
      expect(bulk.body.error.details).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ field: 'selection.ids', reason: 'is required' }),
          expect.objectContaining({ field: 'selection.id' }),
        ]),
      );
    });
  });
});
