/**
 * How long a request's body may take to arrive. Node's own request timeout is off under Fastify, so a
 * client that sent its headers and then a byte now and then held its connection for as long as it
 * liked: without signing in (a public write such as sign-in, or any route whose 401 left the body
 * unread), a few thousand such connections used up the server's sockets. Now a body must arrive
 * within its deadline: short for a caller who is not signed in (what they may send is a small JSON
 * form), as long as the largest upload needs on a slow line for one who is; past it the answer is 408
 * and the connection closes. An answer sent before its request's body has arrived (a 401, a 413) also
 * closes the connection, instead of reading the rest of the body to keep the connection alive.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface BodyDeadlines {
  /** For a caller who is not signed in (no valid session or token). */
  anonymousMs: number;
  /** For a signed-in caller: an upload of the largest file allowed. */
  signedInMs: number;
}

/** A sign-in, setup or invitation form is a few hundred bytes. */
export const ANONYMOUS_BODY_MS = 30_000;

/** The slow line an upload must still get through: 1 Mbit/s. */
const SLOW_LINE_BYTES_PER_SECOND = 125_000;

/** The signed-in deadline: the largest upload at 1 Mbit/s, and never less than 10 minutes. */
export function signedInBodyMs(maxUploadBytes: number): number {
  return Math.max(10 * 60_000, Math.ceil((maxUploadBytes / SLOW_LINE_BYTES_PER_SECOND) * 1000));
}

function timeoutAnswer(ms: number): string {
  const body = JSON.stringify({
    error: {
      code: 'request_timeout',
      message: `the request's body did not arrive within ${Math.round(ms / 1000)} s; the connection is closed`,
      details: { limit_seconds: Math.round(ms / 1000) },
    },
  });
  return (
    'HTTP/1.1 408 Request Timeout\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** Closes the connection of a request whose body is still arriving past `ms`, answering 408 if it can. */
function watchBody(request: FastifyRequest, reply: FastifyReply, ms: number): void {
  const timer = setTimeout(() => {
    if (request.raw.complete) return;
    const socket = request.raw.socket;
    // The route may already be answering (an upload refused as too large): then only the cut is left.
    if (!reply.raw.headersSent && socket.writable) socket.write(timeoutAnswer(ms));
    socket.destroy();
  }, ms);
  timer.unref();
  reply.raw.once('close', () => clearTimeout(timer));
}

export function registerBodyDeadlines(app: FastifyInstance, deadlines: BodyDeadlines): void {
  // After the auth guard: a request it refused never gets here (its answer closes the connection).
  app.addHook('onRequest', async (request, reply) => {
    if (request.raw.complete) return;
    watchBody(request, reply, request.user ? deadlines.signedInMs : deadlines.anonymousMs);
  });
  app.addHook('onSend', async (request, reply, payload) => {
    // Keeping the connection would mean reading the rest of a body nobody wants (Node does, to find
    // where the next request starts), for as long as the client takes to send it.
    if (!request.raw.complete) reply.header('connection', 'close');
    return payload;
  });
}
