import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../support/test-kith.js';
import { adminAndAgentTokens, api, startTestServer, type TestServer } from '../support/test-server.js';

describe(`a phone holding several numbers over the API on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let agent: string;
  const call = (method: string, path: string, options: Parameters<typeof api>[3] = {}) =>
    api(server.baseUrl, method, path, options);

  beforeAll(async () => {
    server = await startTestServer();
    ({ agent } = await adminAndAgentTokens(server));
  });
  afterAll(async () => server.close());

  it('answers 400 naming the field, the value and the reason on create and update, instead of dropping the second number', async () => {
    const reason =
      'holds 2 phone numbers ("13800138000", "13900139000"): a phone is one number, so send each of the others as an item of additional_phones';
    const create = await call('POST', '/api/contacts', {
      token: agent,
      body: { name: '王芳', phone: '13800138000;13900139000' },
    });
    expect(create.status).toBe(400);
    expect(create.body.error).toMatchObject({
      code: 'validation_failed',
      details: { field: 'phone', value: '13800138000;13900139000', reason },
    });
    const created = await call('POST', '/api/contacts', {
      token: agent,
      body: { name: '王芳', phone: '13800138000', additional_phones: ['13900139000'] },
    });
    expect(created.status).toBe(201);
    const update = await call('PATCH', `/api/contacts/${created.body.id}`, {
      token: agent,
      body: { phone: '138 0013 8000 / 139 0013 9000' },
    });
    expect(update.status).toBe(400);
    expect(update.body.error.details).toMatchObject({
      field: 'phone',
      value: '138 0013 8000 / 139 0013 9000',
    });
    const extension = await call('POST', '/api/contacts', {
      token: agent,
      body: { name: 'Front desk', phone: '+1 415 555 0100 ext. 12' },
    });
    expect(extension.status).toBe(201);
    expect(extension.body.phone).toBe('+14155550100');
  });

  it('refuses the same as the key of an upsert by phone, rather than matching by the first number', async () => {
    const upsert = await call('POST', '/api/contacts/upsert?key=phone', {
      token: agent,
      body: { name: '王芳', phone: '13800138000;13900139000' },
    });
    expect(upsert.status).toBe(400);
    expect(upsert.body.error.details).toMatchObject({ field: 'phone', value: '13800138000;13900139000' });
    expect(upsert.body.error.message).toMatch(/holds 2 phone numbers/);
  });
});
