import { SYSTEM_ACTOR } from '../domain/actor.js';
import { AuthenticationError, KithError } from '../domain/errors.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import { newSecret, sha256 } from './secrets.js';
import { type User, UserService } from './user-service.js';

const SETUP_KEY = 'setup_token_hash';

/**
 * First run without any user: the server prints a one-time link; whoever holds it creates the first
 * admin. The link stops working as soon as any user exists.
 */
export class SetupService {
  constructor(private readonly db: Queryable) {}

  /** A fresh setup token when no user exists yet, otherwise null. */
  async issueTokenIfNeeded(): Promise<string | null> {
    if ((await new UserService(this.db).count()) > 0) return null;
    const token = newSecret('setup_');
    const value = JSON.stringify(sha256(token));
    await this.db
      .insertInto('settings')
      .values({ key: SETUP_KEY, value, updated_at: nowIso() })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: nowIso() }))
      .execute();
    return token;
  }

  async createFirstAdmin(
    token: string,
    input: { email: string; password: string; name?: string | null },
  ): Promise<User> {
    const users = new UserService(this.db);
    if ((await users.count()) > 0)
      throw new KithError('setup_done', 'Kith is already set up; sign in instead', 409);
    const row = await this.db
      .selectFrom('settings')
      .select('value')
      .where('key', '=', SETUP_KEY)
      .executeTakeFirst();
    if (!row || JSON.parse(row.value) !== sha256(token ?? ''))
      throw new AuthenticationError('the setup link is not valid');
    const user = await users.create({ ...input, role: 'admin' }, SYSTEM_ACTOR);
    await this.db.deleteFrom('settings').where('key', '=', SETUP_KEY).execute();
    return user;
  }
}
