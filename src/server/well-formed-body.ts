/**
 * Refuses a JSON body holding a lone UTF-16 surrogate (`"\ud800"`) before any route reads it, naming
 * where it is: stored, it would silently become U+FFFD, and a tag named by it failed as an internal
 * error (its stored row no longer matched the name it was looked up by).
 */
import type { FastifyInstance } from 'fastify';
import { ValidationError } from '../domain/errors.js';
import { findLoneSurrogate, LONE_SURROGATE_REASON } from '../domain/well-formed-text.js';

export function registerWellFormedBodies(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    if (request.body === null || typeof request.body !== 'object') {
      if (typeof request.body === 'string' && findLoneSurrogate(request.body))
        throw new ValidationError('body', request.body, LONE_SURROGATE_REASON);
      return;
    }
    const found = findLoneSurrogate(request.body);
    if (found) throw new ValidationError(found.field || 'body', found.value, LONE_SURROGATE_REASON);
  });
}
