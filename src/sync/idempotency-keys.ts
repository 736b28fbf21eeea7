/**
 * Idempotency keys of API writes: a program that retries a POST or PATCH with the same
 * `Idempotency-Key` gets the first answer again instead of a second write. The first answer is kept
 * for 24 hours, per sender (`scope`); the same key with another request is refused, and a key whose
 * first request is still running answers "in progress" rather than running twice.
 */
import { isUniqueViolation } from '../store/database.js';
import type { Queryable } from '../store/transaction.js';

export const IDEMPOTENCY_KEY_HOURS = 24;
/** Longest key accepted (Stripe's limit too). */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;

export type IdempotencyClaim =
  | { kind: 'first' }
  | { kind: 'replay'; status: number; response: string; contentType: string | null }
  | { kind: 'other_request' }
  | { kind: 'in_progress' };

export class IdempotencyKeys {
  constructor(private readonly db: Queryable) {}

  /** Claims `key` for this request (its hash: method, path and body), or says why not. */
  async claim(scope: string, key: string, requestHash: string): Promise<IdempotencyClaim> {
    const now = new Date();
    const expired = new Date(now.getTime() - IDEMPOTENCY_KEY_HOURS * 3_600_000).toISOString();
    // Forgetting expired keys here keeps the table to a day's writes without a timer of its own.
    await this.db.deleteFrom('idempotency_keys').where('created_at', '<', expired).execute();
    try {
      await this.db
        .insertInto('idempotency_keys')
        .values({
          scope,
          key,
          request_hash: requestHash,
          status: null,
          response: null,
          content_type: null,
          created_at: now.toISOString(),
        })
        .execute();
      return { kind: 'first' };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    const row = await this.db
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('scope', '=', scope)
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) return this.claim(scope, key, requestHash);
    if (row.request_hash !== requestHash) return { kind: 'other_request' };
    if (row.status === null) return { kind: 'in_progress' };
    return {
      kind: 'replay',
      status: Number(row.status),
      response: row.response ?? '',
      contentType: row.content_type,
    };
  }

  /** Keeps the first answer for replays. */
  async complete(scope: string, key: string, status: number, response: string, contentType: string | null) {
    await this.db
      .updateTable('idempotency_keys')
      .set({ status, response, content_type: contentType })
      .where('scope', '=', scope)
      .where('key', '=', key)
      .execute();
  }

  /** Lets the key go (the first request failed on the server's side: a retry may run it again). */
  async release(scope: string, key: string): Promise<void> {
    await this.db.deleteFrom('idempotency_keys').where('scope', '=', scope).where('key', '=', key).execute();
  }
}
