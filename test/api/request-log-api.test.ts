/**
 * The request log names each request without what customers were searched by: query values other than
 * paging, formats, states and dates are written as ***, so a phone number or e-mail typed into the
 * customers search does not end up wherever the server's standard output goes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loggedUrl } from '../../src/server/request-log.js';
import { TEST_DIALECT } from '../support/test-kith.js';
import { adminAndAgentTokens, api, startLoggedTestServer } from '../support/test-server.js';

describe(`the request log on ${TEST_DIALECT}`, () => {
  let server: Awaited<ReturnType<typeof startLoggedTestServer>>;
  let baseUrl: string;
  let admin: string;
  let lines: string[];

  beforeAll(async () => {
    server = await startLoggedTestServer();
    ({ baseUrl, logLines: lines } = server);
    ({ admin } = await adminAndAgentTokens(server));
  });
  afterAll(async () => server.close());

  it('keeps the path and the parameters, not the values customers were searched by', async () => {
    const search = '/api/contacts?q=13800138000&tag=%E5%BC%A0%E4%BC%9F&limit=20';
    expect((await api(baseUrl, 'GET', search, { token: admin })).status).toBe(200);
    const exported = '/api/contacts/export?format=csv&q=13900139000';
    expect((await api(baseUrl, 'GET', exported, { token: admin })).status).toBe(200);
    // A refused one is logged too.
    const misspelt = '/api/contacts?email=wei.zhang%40example.com';
    expect((await api(baseUrl, 'GET', misspelt, { token: admin })).status).toBe(400);

    const log = lines.join('');
    expect(log).not.toContain('13800138000');
    expect(log).not.toContain('wei.zhang');
    expect(log).not.toContain('13900139000');
    expect(log).not.toContain('%E5%BC%A0');
    const incoming = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === 'incoming request');
    expect(incoming.map((l) => l.req.url)).toEqual(
      expect.arrayContaining([
        '/api/contacts?q=***&tag=***&limit=20',
        '/api/contacts/export?format=csv&q=***',
        '/api/contacts?email=***',
      ]),
    );
    expect(incoming[0].req).toMatchObject({ method: 'GET', remoteAddress: '127.0.0.1' });
  });

  it('logs an unknown API address as a 404, not as a failed request', async () => {
    const from = lines.length;
    for (const path of ['/api/nope', '/api/', '/api/contacts/x/y/z', '/assets/missing.js']) {
      const unknown = await api(baseUrl, 'GET', path, { token: admin });
      expect(unknown.status, path).toBe(404);
      expect(unknown.body.error.code, path).toBe('route_not_found');
    }
    const logged = lines.slice(from).map((l) => JSON.parse(l));
    expect(logged.filter((l) => l.level >= 40).map((l) => l.err?.message ?? l.msg)).toEqual([]);
    expect(logged.filter((l) => l.msg === 'request completed').map((l) => l.res.statusCode)).toEqual([
      404, 404, 404, 404,
    ]);
  });

  it('leaves an address without a query as it is', () => {
    expect(loggedUrl('/api/contacts/ct_1')).toBe('/api/contacts/ct_1');
    expect(loggedUrl('/api/contacts?q')).toBe('/api/contacts?q');
    expect(loggedUrl('/api/contacts?%ZZ=1&limit=5')).toBe('/api/contacts?%ZZ=***&limit=5');
  });
});
