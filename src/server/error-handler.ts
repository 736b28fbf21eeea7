import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { detailValue, KithError, shownValue } from '../domain/errors.js';
import { fieldPath, pathPartsIn } from '../domain/field-path.js';
import { findNul, NUL_REASON } from '../domain/well-formed-text.js';
import { flatIssues, type Issue, knownFieldsAt, unknownFieldReason } from '../domain/zod-validation.js';

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

function valueAt(source: unknown, path: string): unknown {
  let current = source;
  for (const part of path.split('/').filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

const SECRET_KEY = /password|secret|token/i;

/** Levels of a rejected value an error repeats; deeper ones are not walked (nor stringified). */
const SHOWN_DEPTH = 8;

/**
 * A value repeated in an error, with what is under a secret-looking key (a password) left out, and
 * what nests past SHOWN_DEPTH cut (a body nested 20,000 deep must not overflow the error's own walk).
 */
function withoutSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= SHOWN_DEPTH) return '(nested deeper)';
  if (Array.isArray(value)) return value.map((inner) => withoutSecrets(inner, depth + 1));
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      SECRET_KEY.test(key) ? '(hidden)' : withoutSecrets(inner, depth + 1),
    ]),
  );
}

/**
 * Why a value was refused, in words where zod's would mislead: a parameter given twice
 * (`?limit=1&limit=2` read "expected number, received NaN"), a field left out ("received undefined").
 */
function reasonOf(issue: { keyword: string; message?: string }, context: string, sent: unknown): string {
  if (context === 'querystring' && Array.isArray(sent)) return `is given ${sent.length} times; give it once`;
  if (sent === undefined && issue.keyword === 'invalid_type') return 'is required';
  return issue.message?.replace(/^Invalid input: /, '') || 'is not valid';
}

/** A refused value as the message repeats it; "nothing" for a field left out (not "null"). */
function shown(sent: unknown, value: unknown): string {
  return sent === undefined ? 'nothing' : shownValue(value);
}

const FASTIFY_CODES: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_json',
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
};

/**
 * PostgreSQL's SQLSTATEs for text it cannot store: NUL (U+0000) in a text value, or escaped in JSON.
 * Contact fields drop NUL before they are written (normalizeText); any other text holding one is refused
 * plainly instead of failing as an internal error (SQLite stores it).
 */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);

/**
 * A transaction the database gave up on because a concurrent one held what it needed: PostgreSQL's
 * deadlock (40P01), serialization failure (40001) and lock not available (55P03); SQLite's lock wait
 * ran out (SQLITE_BUSY). It was rolled back whole, so the request can simply be sent again.
 */
const CONTENDED = new Set(['40P01', '40001', '55P03', 'SQLITE_BUSY']);

export function errorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (error instanceof KithError) {
    reply
      .status(error.status)
      .send({ error: { code: error.code, message: error.message, details: error.details } });
    return;
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const context = (error as { validationContext?: string }).validationContext ?? 'body';
    // Fastify names the part validated `querystring`; the request holds it as `query`.
    const source =
      context === 'querystring' ? request.query : (request as unknown as Record<string, unknown>)[context];
    // A union's "Invalid input" is said as the issues of the branch the request came closest to.
    type RouteIssue = { keyword: string; instancePath: string; message?: string; params: unknown };
    const issues = error.validation.flatMap((issue): RouteIssue[] => {
      if (issue.keyword !== 'invalid_union') return [issue];
      const at = issue.instancePath.split('/').filter(Boolean);
      const union = { ...(issue.params as object), code: 'invalid_union', path: at, message: '' } as Issue;
      return flatIssues([union]).map((inner) => ({
        keyword: inner.code as string,
        instancePath: `/${inner.path.join('/')}`,
        message: inner.message,
        params: inner,
      }));
    });
    const details = issues.flatMap((issue) => {
      const at = issue.instancePath.split('/').filter(Boolean);
      if (issue.keyword === 'unrecognized_keys') {
        // One detail per field the request should not have sent, named by itself, with the ones it may.
        const known = knownFieldsAt((request.routeOptions.schema as Record<string, unknown>)?.[context], at);
        const reason = unknownFieldReason(known, context === 'querystring' ? 'parameter' : 'field');
        return ((issue.params as { keys?: string[] }).keys ?? []).map((key) => {
          const parent = valueAt(source, issue.instancePath);
          const sent =
            parent !== null && typeof parent === 'object' ? (parent as Record<string, unknown>)[key] : null;
          const value = SECRET_KEY.test(key) ? '(hidden)' : withoutSecrets(sent ?? null);
          const field = fieldPath(...pathPartsIn(source, at), key);
          return { field, value: detailValue(value), reason, shown: shownValue(value) };
        });
      }
      const field = fieldPath(...pathPartsIn(source, at)) || context;
      const sent = valueAt(source, issue.instancePath);
      const value = withoutSecrets(sent ?? null);
      return [
        {
          field,
          value: detailValue(value),
          reason: reasonOf(issue, context, sent),
          shown: shown(sent, value),
        },
      ];
    });
    // One field refused twice for one reason (too big for a whole number, and past the maximum) once.
    const said = new Set<string>();
    const unique = details.filter(
      (d) => !said.has(`${d.field}\u0000${d.reason}`) && said.add(`${d.field}\u0000${d.reason}`),
    );
    const message = unique.map((d) => `${d.field}: ${d.reason} (got ${d.shown})`).join('; ');
    reply.status(400).send({
      error: {
        code: 'validation_failed',
        message,
        details: unique.map(({ field, value, reason }) => ({ field, value, reason })),
      },
    });
    return;
  }
  if (UNSTORABLE_TEXT.has((error as { code?: unknown }).code as string)) {
    // The field is named when the request's body, query or path holds the NUL (a rule's name, an id).
    const found = findNul(request.body) ?? findNul(request.query) ?? findNul(request.params);
    const reason = NUL_REASON;
    reply.status(400).send({
      error: found
        ? {
            code: 'invalid_text',
            message: `${found.field || 'body'}: ${reason} (got ${shownValue(found.value)})`,
            details: { field: found.field || 'body', value: detailValue(found.value), reason },
          }
        : { code: 'invalid_text', message: `a text value ${reason}` },
    });
    return;
  }
  if (CONTENDED.has((error as { code?: unknown }).code as string)) {
    request.log.warn({ err: error }, 'request collided with a concurrent change');
    reply
      .status(503)
      .header('retry-after', '1')
      .send({
        error: {
          code: 'write_conflict',
          message:
            'the request collided with a concurrent change to the same records and was rolled back: nothing was changed; send it again',
        },
      });
    return;
  }
  const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'request failed');
    reply.status(status).send({
      error: { code: 'internal_error', message: 'something went wrong on our side; it has been logged' },
    });
    return;
  }
  // Fastify's own 4xx (malformed JSON, body too large, unsupported media type, rate limit).
  const code = FASTIFY_CODES[error.code] ?? (status === 429 ? 'rate_limited' : 'bad_request');
  reply.status(status).send({ error: { code, message: error.message } });
}

/** The longest path segment (an id, a key, a tag) Fastify's router reads; past it the answer is 414. */
export const MAX_PARAM_LENGTH = 100;

/** A path segment as the router measures it: decoded (a percent-encoding it cannot decode stays). */
function decodedLength(segment: string): number {
  try {
    return decodeURIComponent(segment).length;
  } catch {
    return segment.length;
  }
}

export function notFoundHandler(request: FastifyRequest, reply: FastifyReply): void {
  const path = request.url.split('?')[0]!;
  // The router gives up on a segment past its bound; on most routes that reads as "no route".
  if (path.split('/').some((segment) => decodedLength(segment) > MAX_PARAM_LENGTH)) {
    tooLong(request, reply);
    return;
  }
  reply.status(404).send({
    error: { code: 'route_not_found', message: `no route ${request.method} ${shownPath(request)}` },
  });
}

/** The request's path as an error repeats it: cut short past 200 characters, like any value. */
function shownPath(request: FastifyRequest): string {
  const path = request.url.split('?')[0]!;
  return path.length <= 200 ? path : shownValue(path);
}

function tooLong(request: FastifyRequest, reply: FastifyReply): void {
  reply.status(414).send({
    error: {
      code: 'uri_too_long',
      message: `a part of the address ${shownPath(request)} is longer than ${MAX_PARAM_LENGTH} characters; no id, key or tag is that long`,
    },
  });
}

/**
 * Failures of the router itself, before any route runs, in the shape every other error has: a path
 * whose percent-encoding is not UTF-8 text (`%ED%A0%80`, `%C3`), or whose segment is too long.
 */
export function frameworkErrorHandler(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    tooLong(request, reply);
    return;
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    reply.status(400).send({
      error: {
        code: 'bad_url',
        message: `the address ${shownPath(request)} holds a percent-encoding that is not UTF-8 text; encode each part of it with encodeURIComponent`,
      },
    });
    return;
  }
  errorHandler(error, request, reply);
}

/** Node's limit on a request's head (request line and headers), which a long query string reaches. */
const MAX_HEAD_BYTES = 16 * 1024;

/**
 * Failures of Node's HTTP parser, before any request exists, in the shape every other error has (they
 * answered Fastify's own `{"error": "Request Header Fields Too Large", "statusCode": 431}`): a head past
 * 16 KB (a query of thousands of ids or a 20,000-character search), or bytes that are not HTTP.
 */
export function clientErrorHandler(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, statusText, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [
          431,
          'Request Header Fields Too Large',
          'headers_too_large',
          `the request's address and headers are longer than ${MAX_HEAD_BYTES / 1024} KB together; shorten the query string (fewer ids, a shorter search)`,
        ]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [
            408,
            'Request Timeout',
            'request_timeout',
            'the request did not arrive in time; the connection is closed',
          ]
        : [400, 'Bad Request', 'bad_request', 'the request is not well-formed HTTP'];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable)
    socket.write(
      `HTTP/1.1 ${status} ${statusText}\r\nconnection: close\r\ncontent-type: application/json; charset=utf-8\r\n` +
        `content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  socket.destroy(error);
}
