/**
 * `Idempotency-Key` on POST and PATCH: the first answer to a key is kept (24 hours, per user) and
 * replayed, marked `Idempotent-Replayed: true`, when the same request comes again; the same key with
 * another method, path or body is refused (422); a retry while the first is still running gets 409.
 * An answer of 500 or more is not kept, so a retry runs again. Requests that carry a password or a
 * secret, and those whose answer shows one once (routes with `config.answerHoldsSecret`), take no part:
 * neither the answer nor a hash of the request would otherwise lie in the database for a day. An
 * upload's key is claimed by its route once it has read the files (`replayedUpload`). The storage is
 * src/sync/idempotency-keys.ts.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { KithError, ValidationError } from '../domain/errors.js';
import { type IdempotencyKeys, MAX_IDEMPOTENCY_KEY_LENGTH } from '../sync/idempotency-keys.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey?: { scope: string; key: string };
  }
  interface FastifyContextConfig {
    /**
     * The answer shows a secret once (a new API token, an invitation link, a webhook's signing secret),
     * of which Kith keeps only a hash or nothing outside its own table: it is never kept for replay, so
     * such a request runs every time, Idempotency-Key or not.
     */
    answerHoldsSecret?: boolean;
  }
}

/** Fields that carry a password or a secret (as the error handler hides them). */
const SECRET_FIELD = /password|secret|token/i;

/**
 * Whether a request body carries a password or a secret: its hash, unsalted and kept a day, would let
 * whoever reads the database try passwords at SHA-256's speed instead of argon2's.
 */
function holdsSecret(body: unknown): boolean {
  return (
    body !== null &&
    typeof body === 'object' &&
    !Array.isArray(body) &&
    Object.keys(body).some((key) => SECRET_FIELD.test(key))
  );
}

/**
 * The request's Idempotency-Key, checked; null when it takes no part (no key, not POST or PATCH, no
 * user, or a request that carries or answers a secret).
 */
function keyOf(request: FastifyRequest): string | null {
  if (request.method !== 'POST' && request.method !== 'PATCH') return null;
  const header = request.headers['idempotency-key'];
  if (header === undefined || !request.user) return null;
  if (request.routeOptions.config?.answerHoldsSecret || holdsSecret(request.body)) return null;
  const key = (Array.isArray(header) ? header[0]! : header).trim();
  if (key === '' || key.length > MAX_IDEMPOTENCY_KEY_LENGTH)
    throw new ValidationError(
      'Idempotency-Key',
      key,
      `must be 1 to ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
    );
  return key;
}

/**
 * Claims the request's `key` (from keyOf) for `requestHash` (what makes two requests the same):
 * 'first' when this request runs (its answer is kept as it is sent), 'replayed' when the kept answer
 * was sent instead. Refuses a key of another request (422) or one still running (409).
 */
async function claimKey(
  keys: IdempotencyKeys,
  request: FastifyRequest,
  reply: FastifyReply,
  key: string,
  requestHash: string,
): Promise<'first' | 'replayed'> {
  const scope = request.user!.id;
  const claim = await keys.claim(scope, key, requestHash);
  if (claim.kind === 'first') {
    request.idempotencyKey = { scope, key };
    return 'first';
  }
  if (claim.kind === 'other_request')
    throw new KithError(
      'idempotency_key_reused',
      `Idempotency-Key ${JSON.stringify(key)} was used for another request in the last 24 hours; send a new key for a new request`,
      422,
      { field: 'Idempotency-Key', value: key, reason: 'used for another request' },
    );
  if (claim.kind === 'in_progress')
    throw new KithError(
      'idempotency_key_in_progress',
      `the first request with Idempotency-Key ${JSON.stringify(key)} is still running; retry in a moment`,
      409,
      { field: 'Idempotency-Key', value: key },
    );
  reply.header('idempotent-replayed', 'true');
  if (claim.contentType) reply.header('content-type', claim.contentType);
  void reply.status(claim.status).send(claim.response);
  return 'replayed';
}

/**
 * An upload's key, claimed by its route once the files are read (a multipart body is read by the
 * handler, after the hooks): the same files with the same fields are the same request. Returns true
 * when the kept answer was sent and the route must stop.
 */
export async function replayedUpload(
  keys: IdempotencyKeys,
  request: FastifyRequest,
  reply: FastifyReply,
  upload: { fields: Record<string, string>; files: Record<string, { filePath: string }> },
): Promise<boolean> {
  const key = keyOf(request);
  if (key === null) return false;
  const hash = createHash('sha256').update(`${request.method} ${request.url}\n`);
  for (const name of Object.keys(upload.fields).sort())
    hash.update(`${name}=${JSON.stringify(upload.fields[name])}\n`);
  for (const name of Object.keys(upload.files).sort()) {
    hash.update(`${name}:`);
    for await (const chunk of fs.createReadStream(upload.files[name]!.filePath)) hash.update(chunk as Buffer);
    hash.update('\n');
  }
  return (await claimKey(keys, request, reply, key, hash.digest('hex'))) === 'replayed';
}

export function registerIdempotencyKeys(app: FastifyInstance, keys: IdempotencyKeys): void {
  app.addHook('preHandler', async (request, reply) => {
    // Uploads (multipart) are read by their handler, which claims the key then (replayedUpload).
    if (!(request.headers['content-type'] ?? 'application/json').includes('json')) return;
    const key = keyOf(request);
    if (key === null) return;
    const requestHash = createHash('sha256')
      .update(`${request.method} ${request.url}\n${JSON.stringify(request.body ?? null)}`)
      .digest('hex');
    if ((await claimKey(keys, request, reply, key, requestHash)) === 'replayed') return reply;
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const claimed = request.idempotencyKey;
    if (!claimed) return payload;
    request.idempotencyKey = undefined;
    if (reply.statusCode >= 500 || (payload !== null && payload !== undefined && typeof payload !== 'string'))
      await keys.release(claimed.scope, claimed.key);
    else {
      const type = reply.getHeader('content-type');
      await keys.complete(
        claimed.scope,
        claimed.key,
        reply.statusCode,
        (payload as string | null) ?? '',
        typeof type === 'string' ? type : null,
      );
    }
    return payload;
  });
}
