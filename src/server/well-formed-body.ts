/**
 * Refuses a JSON body no route could mean, before any route reads it, naming why: one whose bytes are
 * not UTF-8 (read as text they became U+FFFD, so a name sent in GBK or Latin-1 was stored as "��" with
 * a 201), one holding a lone UTF-16 surrogate (`"\ud800"`) — stored, it would silently become U+FFFD,
 * and a tag named by it failed as an internal error — or one nested deeper than any request of this
 * API (the Idempotency-Key's fingerprint of a 300,000-deep body overflowed the stack: a 500).
 */
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../domain/errors.js';
import { nestsDeeperThan } from '../domain/nesting.js';
import { findLoneSurrogate, LONE_SURROGATE_REASON } from '../domain/well-formed-text.js';

/** Levels of objects and lists a body may nest: a rule's 32 levels of all/any take about 70. */
export const MAX_BODY_NESTING = 256;

/** Where UTF-8 breaks in `bytes`: the offset of the first byte that starts no valid character. */
function firstInvalidByte(bytes: Buffer): number {
  for (let i = 0; i < bytes.length;) {
    const lead = bytes[i]!;
    const length =
      lead < 0x80
        ? 1
        : lead >= 0xc2 && lead <= 0xdf
          ? 2
          : lead >= 0xe0 && lead <= 0xef
            ? 3
            : lead <= 0xf4 && lead >= 0xf0
              ? 4
              : 0;
    if (length === 0 || (length > 1 && !isUtf8(bytes.subarray(i, i + length)))) return i;
    i += length;
  }
  return bytes.length;
}

export function registerWellFormedBodies(app: FastifyInstance): void {
  // The JSON parser Fastify would use (prototype poisoning refused), given only UTF-8 text.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    if (!isUtf8(bytes)) {
      const at = firstInvalidByte(bytes);
      done(
        new ValidationError(
          'body',
          `0x${(bytes[at] ?? 0).toString(16).padStart(2, '0')}`,
          `is not UTF-8 text: byte ${at} starts no UTF-8 character; send JSON encoded as UTF-8`,
        ),
        undefined,
      );
      return;
    }
    parseJson(request, bytes.toString('utf8'), done);
  });
  app.addHook('preValidation', async (request) => {
    if (request.body === null || typeof request.body !== 'object') {
      if (typeof request.body === 'string' && findLoneSurrogate(request.body))
        throw new ValidationError('body', request.body, LONE_SURROGATE_REASON);
      return;
    }
    if (nestsDeeperThan(request.body, MAX_BODY_NESTING))
      throw new ValidationError(
        'body',
        request.body,
        `is nested more than ${MAX_BODY_NESTING} levels deep; no request of this API nests that deep`,
      );
    const found = findLoneSurrogate(request.body);
    if (found) throw new ValidationError(found.field || 'body', found.value, LONE_SURROGATE_REASON);
  });
}
