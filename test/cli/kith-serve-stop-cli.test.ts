/**
 * `kith serve` asked to stop (SIGTERM from systemd or a container, Ctrl-C) while browsers hold connections:
 * the live streams end (the browsers reconnect to the next server), an idle kept-alive connection is
 * closed, a request under way is answered with Connection: close, and the process exits 0 promptly.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { SYSTEM_ACTOR } from '../../src/domain/actor.js';
import { buildServer, closeServer } from '../../src/server/app.js';
import { openKith } from '../../src/services.js';
import { kithArgs } from '../support/run-cli.js';
import { createTestDatabase, createTestKith, type TestDatabase } from '../support/test-kith.js';

interface Serving {
  child: ChildProcess;
  port: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number; stderr: string }>;
}

/** The real `kith serve` on a port of the system's choosing, once it listens. */
async function serve(env: Record<string, string>): Promise<Serving> {
  const child = spawn(process.execPath, kithArgs(['serve', '--port', '0', '--host', '127.0.0.1']), {
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<{
    code: number | null;
    signal: NodeJS.Signals | null;
    at: number;
    stderr: string;
  }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, at: Date.now(), stderr })));
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = /Kith is listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (found) resolve(Number(found[1]));
    });
    void exited.then(() => reject(new Error(`kith serve exited before listening: ${stderr}`)));
  });
  return { child, port, exited };
}

/** A live stream (GET /api/live) on a kept-alive connection, once the server said `ready`. */
async function openLiveStream(port: number, token: string) {
  const agent = new http.Agent({ keepAlive: true });
  const response = await new Promise<http.IncomingMessage>((resolve, reject) =>
    http
      .get(
        {
          host: '127.0.0.1',
          port,
          path: '/api/live',
          agent,
          headers: { authorization: `Bearer ${token}`, accept: 'text/event-stream' },
        },
        resolve,
      )
      .on('error', reject),
  );
  expect(response.statusCode).toBe(200);
  let text = '';
  const ended = new Promise<string>((resolve) => {
    response.on('end', () => resolve('ended'));
    response.on('error', () => resolve('broken'));
    response.on('aborted', () => resolve('broken'));
  });
  await new Promise<void>((resolve) =>
    response.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('event: ready')) resolve();
    }),
  );
  return { ended, agent };
}

const within = <T>(ms: number, promise: Promise<T>) =>
  Promise.race([promise, new Promise<'too late'>((resolve) => setTimeout(() => resolve('too late'), ms))]);

describe('kith serve stopping', () => {
  let database: TestDatabase;
  let token: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    const kith = await openKith(loadConfig(database.env));
    try {
      const admin = await kith.users.create(
        { email: 'admin@example.com', password: 'correct horse', role: 'admin' },
        SYSTEM_ACTOR,
      );
      token = (await kith.tokens.create(admin.id, 'tests', SYSTEM_ACTOR)).token;
    } finally {
      await kith.close();
    }
  });
  afterAll(async () => {
    await database.drop();
  });

  it('on SIGTERM ends the live stream and an idle connection, answers the request under way, exits 0', async () => {
    const server = await serve(database.env);
    try {
      const live = await openLiveStream(server.port, token);

      // An idle kept-alive connection, as a browser keeps after loading a page.
      const idle = net.connect(server.port, '127.0.0.1');
      let idleAnswer = '';
      idle.on('data', (chunk: Buffer) => (idleAnswer += chunk.toString()));
      const idleClosed = new Promise<void>((resolve) => idle.on('close', () => resolve()));
      idle.write(`GET /api/health HTTP/1.1\r\nhost: kith\r\nconnection: keep-alive\r\n\r\n`);

      // A request under way: its body is half sent when the signal comes.
      const body = JSON.stringify({ first_name: 'Under way' });
      const busy = net.connect(server.port, '127.0.0.1');
      let busyAnswer = '';
      busy.on('data', (chunk: Buffer) => (busyAnswer += chunk.toString()));
      const busyClosed = new Promise<void>((resolve) => busy.on('close', () => resolve()));
      busy.write(
        `POST /api/contacts HTTP/1.1\r\nhost: kith\r\nauthorization: Bearer ${token}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body.slice(0, 5)}`,
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(idleAnswer).toMatch(/^HTTP\/1\.1 200/);

      const signalled = Date.now();
      server.child.kill('SIGTERM');
      expect(await within(3000, live.ended)).toBe('ended');
      expect(await within(3000, idleClosed)).not.toBe('too late');
      busy.write(body.slice(5));
      expect(await within(3000, busyClosed)).not.toBe('too late');
      expect(busyAnswer).toMatch(/^HTTP\/1\.1 201/);
      expect(busyAnswer).toMatch(/\r\nconnection: close\r\n/i);

      const exit = await within(5000, server.exited);
      expect(exit).not.toBe('too late');
      if (exit === 'too late') return;
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
      expect(exit.at - signalled).toBeLessThan(5000);
      expect(exit.stderr).toContain('kith: SIGTERM: stopping');
      live.agent.destroy();
    } finally {
      server.child.kill('SIGKILL');
    }
  });

  it('on Ctrl-C (SIGINT) with a live stream open ends it and exits 0', async () => {
    const server = await serve(database.env);
    try {
      const live = await openLiveStream(server.port, token);
      server.child.kill('SIGINT');
      // Ended, or cut as the process exits (seen on PostgreSQL): either way the browser reconnects.
      expect(['ended', 'broken']).toContain(await within(3000, live.ended));
      const exit = await within(5000, server.exited);
      expect(exit).not.toBe('too late');
      if (exit === 'too late') return;
      expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
      live.agent.destroy();
    } finally {
      server.child.kill('SIGKILL');
    }
  });
});

describe('closeServer', () => {
  it('cuts a connection still busy once the grace period is over', async () => {
    const kith = await createTestKith();
    const app = await buildServer(kith);
    try {
      const port = Number(new URL(await app.listen({ port: 0, host: '127.0.0.1' })).port);
      // A body that never arrives in full.
      const slow = net.connect(port, '127.0.0.1');
      const closed = new Promise<void>((resolve) => slow.on('close', () => resolve()));
      slow.on('error', () => undefined);
      slow.write(
        `POST /api/auth/login HTTP/1.1\r\nhost: kith\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"em`,
      );
      await new Promise((resolve) => setTimeout(resolve, 100));
      const started = Date.now();
      expect(await within(3000, closeServer(app, 200))).not.toBe('too late');
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
      expect(await within(1000, closed)).not.toBe('too late');
    } finally {
      await kith.destroy();
    }
  });
});
