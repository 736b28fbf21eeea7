import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/server/app.js';
import { createTestKith, type TestKith } from './test-kith.js';

export interface TestServer {
  kith: TestKith;
  app: FastifyInstance;
  baseUrl: string;
  close(): Promise<void>;
}

/** A real server on an ephemeral port over a real store; tests talk to it with fetch. */
export async function startTestServer(): Promise<TestServer> {
  const kith = await createTestKith();
  const app = await buildServer(kith);
  const baseUrl = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    kith,
    app,
    baseUrl,
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
