import { Writable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { JobRunner } from '../../src/jobs/job-runner.js';
import { buildServer } from '../../src/server/app.js';
import { createTestKith, type TestKith } from './test-kith.js';

export interface TestServer {
  kith: TestKith;
  app: FastifyInstance;
  baseUrl: string;
  close(): Promise<void>;
}

/** A real server on an ephemeral port over a real store; tests talk to it with fetch. */
export async function startTestServer(extraEnv: Record<string, string> = {}): Promise<TestServer> {
  const kith = await createTestKith(extraEnv);
  const runner = new JobRunner(kith.store, kith.jobHandlers, { pollMs: 50 });
  const app = await buildServer(kith, { onJobQueued: () => runner.poke() });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  runner.start();
  return {
    kith,
    app,
    baseUrl,
    close: async () => {
      await runner.stop();
      await app.close();
      await kith.destroy();
    },
  };
}

/**
 * A real server whose request log (pino's JSON lines, level info) is kept in `logLines` for a test
 * to read, as it would reach standard output. No job runner.
 */
export async function startLoggedTestServer(): Promise<TestServer & { logLines: string[] }> {
  const kith = await createTestKith();
  const logLines: string[] = [];
  const stream = new Writable({
    write: (chunk, _encoding, done) => {
      logLines.push(String(chunk));
      done();
    },
  });
  const app = await buildServer(kith, { logger: { level: 'info', stream } });
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    kith,
    app,
    baseUrl,
    logLines,
    close: async () => {
      await app.close();
      await kith.destroy();
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** JSON request helper: `auth` is a bearer token or a cookie header value. */
export async function api<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; cookie?: string; body?: unknown; headers?: Record<string, string> } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.cookie) headers.cookie = options.cookie;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: leave the text
  }
  return { status: response.status, body: body as T, headers: response.headers };
}

/** An admin and an agent with a bearer token each, the two roles every API test speaks as. */
export async function adminAndAgentTokens(server: TestServer): Promise<{ admin: string; agent: string }> {
  const { users, tokens } = server.kith;
  const a = await users.create(
    { email: 'admin@example.com', password: 'correct horse', role: 'admin' },
    SYSTEM_ACTOR,
  );
  const g = await users.create(
    { email: 'agent@example.com', password: 'battery staple', role: 'agent' },
    SYSTEM_ACTOR,
  );
  return {
    admin: (await tokens.create(a.id, 'tests', SYSTEM_ACTOR)).token,
    agent: (await tokens.create(g.id, 'tests', SYSTEM_ACTOR)).token,
  };
}
