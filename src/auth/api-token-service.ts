import type { Actor } from '../domain/actor.js';
import { KithError, NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { MAX_NAME_LENGTH, normalizeBoundedText } from '../domain/normalize/text.js';
import { appendAuditEntry } from '../history/audit-log.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import { newSecret, sha256 } from './secrets.js';
import { stampedThisMinute } from './use-stamp.js';
import { toUser, type User, UserService } from './user-service.js';

export const TOKEN_PREFIX = 'kith_';
/** API tokens one user may hold unrevoked (programs, integrations); one more is refused, 409 too_many_tokens. */
export const MAX_TOKENS_PER_USER = 100;

export interface ApiToken {
  id: string;
  user_id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
  revoked: boolean;
}

export class ApiTokenService {
  /**
   * `credentialReads` answers the look-up every request makes (`resolve`): on PostgreSQL the light
   * read pool, which prepares it (planned once per connection, not on each request); else `db`.
   */
  constructor(
    private readonly db: Queryable,
    private readonly credentialReads: Queryable = db,
  ) {}

  /** The secret is returned once, here; Kith keeps only its hash. */
  async create(
    userId: string,
    name: string | null | undefined,
    actor: Actor,
  ): Promise<ApiToken & { token: string }> {
    const user = await new UserService(this.db).get(userId);
    if (user.disabled) throw new ValidationError('user', user.email, 'is disabled');
    // Tokens never expire: without a bound, one user's script could create them without end.
    const live = await this.db
      .selectFrom('api_tokens')
      .select((eb) => eb.fn.countAll<number | string>().as('n'))
      .where('user_id', '=', userId)
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    if (Number(live.n) >= MAX_TOKENS_PER_USER)
      throw new KithError(
        'too_many_tokens',
        `this user already has ${Number(live.n)} API tokens that are not revoked, the most one user may hold (${MAX_TOKENS_PER_USER}); revoke one you no longer use (DELETE /api/tokens/{id}) before creating another`,
        409,
        { limit: MAX_TOKENS_PER_USER, live: Number(live.n) },
      );
    const token = newSecret(TOKEN_PREFIX);
    const row = {
      id: newId('token'),
      user_id: userId,
      name: normalizeBoundedText(name ?? '', 'name', MAX_NAME_LENGTH) ?? 'API token',
      token_hash: sha256(token),
      created_at: nowIso(),
      last_used_at: null,
      revoked_at: null,
    };
    await this.db.insertInto('api_tokens').values(row).execute();
    await appendAuditEntry(this.db, {
      entityType: 'api_token',
      entityId: row.id,
      action: 'created',
      changes: [{ field: 'name', old: null, new: row.name }],
      actor,
    });
    return {
      id: row.id,
      user_id: userId,
      name: row.name,
      created_at: row.created_at,
      last_used_at: null,
      revoked: false,
      token,
    };
  }

  async list(userId?: string): Promise<ApiToken[]> {
    return this.query({ userId });
  }

  async get(id: string): Promise<ApiToken> {
    const [token] = await this.query({ id });
    if (!token) throw new NotFoundError('token', id);
    return token;
  }

  private async query(filter: { userId?: string; id?: string }): Promise<ApiToken[]> {
    let query = this.db.selectFrom('api_tokens').selectAll();
    if (filter.userId) query = query.where('user_id', '=', filter.userId);
    if (filter.id !== undefined) query = query.where('id', '=', filter.id);
    const rows = await query.orderBy('id').execute();
    return rows.map((r) => ({
      id: r.id,
      user_id: r.user_id,
      name: r.name,
      created_at: r.created_at,
      last_used_at: r.last_used_at,
      revoked: r.revoked_at !== null,
    }));
  }

  async revoke(id: string, actor: Actor): Promise<void> {
    const result = await this.db
      .updateTable('api_tokens')
      .set({ revoked_at: nowIso() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) {
      await this.get(id);
      return;
    }
    await appendAuditEntry(this.db, {
      entityType: 'api_token',
      entityId: id,
      action: 'revoked',
      changes: [],
      actor,
    });
  }

  async resolve(token: string): Promise<User | null> {
    if (!token.startsWith(TOKEN_PREFIX)) return null;
    // Every API request asks this: the token and its user in one statement.
    const row = await this.credentialReads
      .selectFrom('api_tokens as t')
      .innerJoin('users as u', 'u.id', 't.user_id')
      .selectAll('u')
      .select(['t.id as token_id', 't.revoked_at', 't.last_used_at'])
      .where('t.token_hash', '=', sha256(token))
      .executeTakeFirst();
    if (!row || row.revoked_at) return null;
    const user = toUser(row);
    if (user.disabled) return null;
    const now = nowIso();
    if (!stampedThisMinute(row.last_used_at, now)) {
      await this.db
        .updateTable('api_tokens')
        .set({ last_used_at: now })
        .where('id', '=', row.token_id)
        .execute();
    }
    return user;
  }
}
