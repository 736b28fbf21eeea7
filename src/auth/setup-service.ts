import { SYSTEM_ACTOR } from '../domain/actor.js';
import { AuthenticationError, KithError } from '../domain/errors.js';
import type { Kysely } from 'kysely';
import type { KithDatabase } from '../store/schema.js';
import { nowIso } from '../store/transaction.js';
import { newSecret, sha256 } from './secrets.js';
import { type User, UserService } from './user-service.js';

const SETUP_KEY = 'setup_token_hash';

/**
 * First run without any user: the server prints a one-time link; whoever holds it creates the first
 * admin. The link stops working as soon as any user exists.
 */
export class SetupService {
  constructor(private readonly db: Kysely<KithDatabase>) {}

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

  /** Whether Kith still waits for its first administrator (no user exists yet). */
  async needed(): Promise<boolean> {
    return (await new UserService(this.db).count()) === 0;
  }

  async createFirstAdmin(
    token: string,
    input: { email: string; password: string; name?: string | null },
  ): Promise<User> {
    if ((await new UserService(this.db).count()) > 0) throw setupDone();
    const value = JSON.stringify(sha256(token ?? ''));
    // The link is used up by deleting it, in the transaction that creates the admin: of requests sent at
    // once (a double click, two people holding the link) one deletes it and creates its admin; the
    // others find it gone (on PostgreSQL they wait for that transaction first) and are told setup is
    // done. A refused admin (a too short password) rolls the deletion back: the link works again.
    return this.db.transaction().execute(async (trx) => {
      const claimed = await trx
        .deleteFrom('settings')
        .where('key', '=', SETUP_KEY)
        .where('value', '=', value)
        .executeTakeFirst();
      if (Number(claimed.numDeletedRows) !== 1) {
        if ((await new UserService(trx).count()) > 0) throw setupDone();
        throw new AuthenticationError('the setup link is not valid');
      }
      return new UserService(trx).create({ ...input, role: 'admin' }, SYSTEM_ACTOR);
    });
  }
}

function setupDone(): KithError {
  return new KithError('setup_done', 'Kith is already set up; sign in instead', 409);
}
