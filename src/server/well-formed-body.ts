/**
 * Refuses a JSON body no route could mean, before any route reads it, naming why: one holding a lone
 * UTF-16 surrogate (`"\ud800"`) — stored, it would silently become U+FFFD, and a tag named by it failed
 * as an internal error — or one nested deeper than any request of this API (the Idempotency-Key's
 * fingerprint of a 300,000-deep body overflowed the stack: a 500).
 */
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../domain/errors.js';
import { nestsDeeperThan } from '../domain/nesting.js';
import { findLoneSurrogate, LONE_SURROGATE_REASON } from '../domain/well-formed-text.js';

/** Levels of objects and lists a body may nest: a rule's 32 levels of all/any take about 70. */
export const MAX_BODY_NESTING = 256;

export function registerWellFormedBodies(app: FastifyInstance): void {
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
