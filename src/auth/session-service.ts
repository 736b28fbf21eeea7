import { createHmac } from 'node:crypto';
import { nowIso, type Queryable } from '../store/transaction.js';
import { newSecret, sha256 } from './secrets.js';
import type { User } from './user-service.js';
import { UserService } from './user-service.js';

export const SESSION_COOKIE = 'kith_session';
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;

/** Readable by the page's script, which echoes it in `CSRF_HEADER` on every cookie-authenticated write. */
export const CSRF_COOKIE = 'kith_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * The CSRF token of a session. Derived from the session's secret cookie value rather than drawn apart,
 * so a token planted in the browser by a neighbouring site (cookies are not isolated by port or
 * subdomain) never matches, and no storage is needed. It reveals nothing of the session value.
 */
export function csrfTokenOf(sessionValue: string): string {
  return createHmac('sha256', sessionValue).update('kith csrf token').digest('base64url');
}

export class SessionService {
  constructor(private readonly db: Queryable) {}

  /** Returns the cookie value; only its hash is stored. */
  async create(userId: string): Promise<{ value: string; expiresAt: Date }> {
    const value = newSecret('');
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    await this.db
      .insertInto('sessions')
      .values({
        id: sha256(value),
        user_id: userId,
        created_at: nowIso(),
        expires_at: expiresAt.toISOString(),
      })
      .execute();
    return { value, expiresAt };
  }

  async resolve(value: string): Promise<User | null> {
    const row = await this.db
      .selectFrom('sessions')
      .select(['user_id', 'expires_at'])
      .where('id', '=', sha256(value))
      .executeTakeFirst();
    if (!row || row.expires_at <= nowIso()) return null;
    const user = await new UserService(this.db).get(row.user_id);
    return user.disabled ? null : user;
  }

  async destroy(value: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', sha256(value)).execute();
  }
}
