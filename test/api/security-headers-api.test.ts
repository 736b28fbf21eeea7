/**
 * Every answer carries a Content-Security-Policy: the web app's pages their own (with a nonce), the API
 * documentation (Swagger UI, same origin as the session cookie) one that runs only its own scripts, and
 * everything else — JSON, errors, downloads — one under which nothing loads or runs and nothing frames it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DIALECT } from '../support/test-kith.js';
import { adminAndAgentTokens, startTestServer, type TestServer } from '../support/test-server.js';

/** The policy's directives by name. */
function directives(policy: string | null): Map<string, string> {
  expect(policy, 'a Content-Security-Policy header').toBeTruthy();
  return new Map(
    policy!
      .split(';')
      .map((d) => d.trim())
      .filter((d) => d !== '')
      .map((d) => {
        const [name, ...sources] = d.split(/\s+/);
        return [name!, sources.join(' ')];
      }),
  );
}

describe(`security headers on ${TEST_DIALECT}`, () => {
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer();
    ({ admin } = await adminAndAgentTokens(server));
  });
  afterAll(async () => {
    await server.close();
  });

  it('serves the API documentation pages with a policy that runs only their own scripts', async () => {
    for (const path of ['/api/docs', '/api/docs/static/index.html']) {
      const response = await fetch(`${server.baseUrl}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toMatch(/^text\/html/);
      const policy = directives(response.headers.get('content-security-policy'));
      expect(policy.get('script-src'), path).toBe("'self'");
      expect(policy.get('object-src'), path).toBe("'none'");
      expect(policy.get('base-uri'), path).toBe("'self'");
      expect(policy.get('frame-ancestors'), path).toBe("'none'");
      expect(policy.get('default-src'), path).toBe("'self'");
    }
  });

  it('answers JSON, errors and downloads with a policy under which nothing loads or runs', async () => {
    const answers = [
      await fetch(`${server.baseUrl}/api/health`),
      await fetch(`${server.baseUrl}/api/contacts`),
      await fetch(`${server.baseUrl}/api/no-such-route`),
      await fetch(`${server.baseUrl}/api/openapi.json`),
      await fetch(`${server.baseUrl}/api/contacts/export?format=csv`, {
        headers: { authorization: `Bearer ${admin}` },
      }),
    ];
    for (const response of answers) {
      await response.arrayBuffer();
      const policy = directives(response.headers.get('content-security-policy'));
      expect(policy.get('default-src'), response.url).toBe("'none'");
      expect(policy.get('frame-ancestors'), response.url).toBe("'none'");
    }
  });

  it("leaves the web app's own policy (with its nonce) as it is", async () => {
    const response = await fetch(`${server.baseUrl}/customers`);
    await response.text();
    const policy = directives(response.headers.get('content-security-policy'));
    // Without a built web app the placeholder page has no policy of its own and gets the strict one.
    if (policy.get('default-src') !== "'none'") {
      expect(policy.get('style-src')).toMatch(/'nonce-/);
      expect(policy.get('script-src')).toBe("'self'");
    }
  });
});
