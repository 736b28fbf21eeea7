import { createHmac } from 'node:crypto';
import type { Actor } from '../domain/actor.js';
import { appendAuditEntry } from '../history/audit-log.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import { newSecret, sha256 } from './secrets.js';
import { stampedThisMinute } from './use-stamp.js';
import type { User } from './user-service.js';
import { toUser } from './user-service.js';

export const SESSION_COOKIE = 'kith_session';
export const SESSION_TTL_MS = 14 * 24 * 3600 * 1000;
/**
 * Sessions one user may hold at once (browsers, devices): a sign-in past it signs out their least
 * recently used one, so signing in again and again cannot grow the table without end.
 */
export const MAX_SESSIONS_PER_USER = 100;

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

/** A signed-in browser session, as its user sees it (the stored id is a hash and never shown). */
export interface SessionSummary {
  created_at: string;
  expires_at: string;
  /** The last request made with it, to the minute; null when none since sign-in was recorded. */
  last_seen_at: string | null;
  /** The browser's User-Agent at sign-in; null for sessions from before it was kept. */
  user_agent: string | null;
  /** The address it signed in from. */
  ip_address: string | null;
  /** The session this request came with. */
  current: boolean;
}

/** Where a browser signs in from, as the request tells. */
export interface SignInClient {
  userAgent?: string | undefined;
  ipAddress?: string | undefined;
}

/** Longer User-Agent strings are cut: one says what it needs in far fewer, and the header is the client's. */
export const USER_AGENT_CHARS = 512;

/** The stored id of a session cookie's value. */
export const sessionIdOf = (value: string): string => sha256(value);

export class SessionService {
  /**
   * `credentialReads` answers the look-up every request makes (`resolve`): on PostgreSQL the light
   * read pool, which prepares it (planned once per connection, not on each request); else `db`.
   */
  constructor(
    private readonly db: Queryable,
    private readonly credentialReads: Queryable = db,
  ) {}

  /** Returns the cookie value; only its hash is stored. */
  async create(userId: string, client: SignInClient = {}): Promise<{ value: string; expiresAt: Date }> {
    const value = newSecret('');
    const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
    const now = nowIso();
    await this.db
      .insertInto('sessions')
      .values({
        id: sha256(value),
        user_id: userId,
        created_at: now,
        expires_at: expiresAt.toISOString(),
        user_agent: client.userAgent?.trim().slice(0, USER_AGENT_CHARS) || null,
        ip_address: client.ipAddress || null,
        last_seen_at: now,
      })
      .execute();
    // Expired sessions of anyone are forgotten here (no timer of its own; nothing else removed them),
    // and past the per-user bound this user's least recently used ones.
    await this.db.deleteFrom('sessions').where('expires_at', '<=', now).execute();
    const held = await this.db
      .selectFrom('sessions')
      .select(['id', 'last_seen_at', 'created_at'])
      .where('user_id', '=', userId)
      .execute();
    if (held.length > MAX_SESSIONS_PER_USER) {
      const used = (r: (typeof held)[number]) => r.last_seen_at ?? r.created_at;
      const oldest = held
        .filter((r) => r.id !== sha256(value))
        .sort((a, b) => used(a).localeCompare(used(b)) || a.id.localeCompare(b.id))
        .slice(0, held.length - MAX_SESSIONS_PER_USER)
        .map((r) => r.id);
      await this.db.deleteFrom('sessions').where('id', 'in', oldest).execute();
    }
    return { value, expiresAt };
  }

  async resolve(value: string): Promise<User | null> {
    // Every request from the web app asks this: the session and its user in one statement.
    const row = await this.credentialReads
      .selectFrom('sessions as s')
      .innerJoin('users as u', 'u.id', 's.user_id')
      .selectAll('u')
      .select(['s.id as session_id', 's.expires_at', 's.last_seen_at'])
      .where('s.id', '=', sha256(value))
      .executeTakeFirst();
    const now = nowIso();
    if (!row || row.expires_at <= now) return null;
    const user = toUser(row);
    if (user.disabled) return null;
    // Only a detail for the sessions list: a store too busy to take it never fails the request.
    if (!stampedThisMinute(row.last_seen_at, now))
      await this.db
        .updateTable('sessions')
        .set({ last_seen_at: now })
        .where('id', '=', row.session_id)
        .execute()
        .catch(() => undefined);
    return user;
  }

  async destroy(value: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', sha256(value)).execute();
  }

  /** A user's unexpired sessions, newest first; `currentValue` is the cookie of the asking request. */
  async listForUser(userId: string, currentValue: string | null): Promise<SessionSummary[]> {
    const current = currentValue ? sha256(currentValue) : null;
    const rows = await this.db
      .selectFrom('sessions')
      .select(['id', 'created_at', 'expires_at', 'last_seen_at', 'user_agent', 'ip_address'])
      .where('user_id', '=', userId)
      .where('expires_at', '>', nowIso())
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map((r) => ({
      created_at: r.created_at,
      expires_at: r.expires_at,
      last_seen_at: r.last_seen_at,
      user_agent: r.user_agent,
      ip_address: r.ip_address,
      current: r.id === current,
    }));
  }

  /**
   * Signs the user out everywhere but the session `keepValue` (a cookie value; null ends them all, as
   * for a request made with an API token). Returns how many sessions ended; audited when any did.
   */
  async revokeOthers(userId: string, keepValue: string | null, actor: Actor): Promise<number> {
    let query = this.db.deleteFrom('sessions').where('user_id', '=', userId);
    if (keepValue) query = query.where('id', '!=', sha256(keepValue));
    // Expired ones go too, but only live ones were a way in: those are counted.
    const revoked = Number(
      (await query.where('expires_at', '>', nowIso()).executeTakeFirst()).numDeletedRows,
    );
    await query.execute();
    if (revoked > 0)
      await appendAuditEntry(this.db, {
        entityType: 'user',
        entityId: userId,
        action: 'sessions_revoked',
        changes: [{ field: 'sessions', old: revoked, new: 0 }],
        actor,
      });
    return revoked;
  }
}
