import type { Actor } from '../domain/actor.js';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors.js';
import { newId } from '../domain/ids.js';
import { normalizeEmail } from '../domain/normalize/email.js';
import { normalizeText } from '../domain/normalize/text.js';
import { assertNoControlCharacters } from '../domain/well-formed-text.js';
import { appendAuditEntry } from '../history/audit-log.js';
import { isUniqueViolation } from '../store/database.js';
import type { UsersTable } from '../store/schema.js';
import { sqlDialectOf } from '../store/sql-dialect.js';
import { nowIso, type Queryable } from '../store/transaction.js';
import { hashPassword, verifyPassword } from './secrets.js';

export const ROLES = ['admin', 'agent'] as const;
export type Role = (typeof ROLES)[number];

/** Languages of the web app a user may choose; null follows the browser. */
export const LANGUAGES = ['en', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

export interface User {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  disabled: boolean;
  language: Language | null;
  created_at: string;
  updated_at: string;
}

export const MIN_PASSWORD_LENGTH = 8;
/** Longer than any passphrase; bounds the work a request can ask of the hash. */
export const MAX_PASSWORD_LENGTH = 1024;

/** A user as Kith shows it, from its row (or a row that holds a user's columns among others). */
export function toUser(row: UsersTable): User {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    disabled: row.disabled_at !== null,
    language: (LANGUAGES as readonly string[]).includes(row.language ?? '')
      ? (row.language as Language)
      : null,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function assertRole(role: string): Role {
  if (!(ROLES as readonly string[]).includes(role))
    throw new ValidationError('role', role, `must be one of ${ROLES.join(', ')}`);
  return role as Role;
}

function assertLanguage(language: string | null): Language | null {
  if (language === null) return null;
  if (!(LANGUAGES as readonly string[]).includes(language))
    throw new ValidationError('language', language, `must be one of ${LANGUAGES.join(', ')} (or null)`);
  return language as Language;
}

export function assertPassword(password: unknown): asserts password is string {
  // The value itself is never echoed back.
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH)
    throw new ValidationError('password', '***', `must be at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH)
    throw new ValidationError('password', '***', `must be at most ${MAX_PASSWORD_LENGTH} characters`);
}

// A verification against this hash costs what a real one costs, so a missing e-mail is not faster to reject.
let dummyHash: Promise<string> | null = null;

/**
 * The account an e-mail typed at sign-in names: the `users.email` it is looked up by (every spelling
 * that folds to it names the same account), or null when it folds to no valid address. The sign-in
 * throttle keys accounts by this, so no spelling gets an allowance of its own.
 */
export function signInAccountOf(email: string): string | null {
  try {
    return normalizeEmail(email);
  } catch {
    return null;
  }
}

/** Whether `id` is a user who may still act and be given work (exists, not disabled). */
/** The role of an active user; null for an unknown or disabled one. */
export async function activeUserRole(db: Queryable, id: string): Promise<'admin' | 'agent' | null> {
  const row = await db
    .selectFrom('users')
    .select(['role', 'disabled_at'])
    .where('id', '=', id)
    .executeTakeFirst();
  return row && row.disabled_at === null ? (row.role as 'admin' | 'agent') : null;
}

export async function isActiveUser(db: Queryable, id: string): Promise<boolean> {
  const row = await db.selectFrom('users').select('disabled_at').where('id', '=', id).executeTakeFirst();
  return row !== undefined && row.disabled_at === null;
}

/** A person's display name: at most this long (it shows in lists, histories and e-mails). */
export const MAX_USER_NAME_LENGTH = 200;

function userName(raw: string | null | undefined): string | null {
  assertNoControlCharacters(raw ?? '', 'name');
  const name = normalizeText(raw ?? '');
  if (name !== null && name.length > MAX_USER_NAME_LENGTH)
    throw new ValidationError('name', raw, `is longer than ${MAX_USER_NAME_LENGTH} characters`);
  return name;
}

export class UserService {
  constructor(private readonly db: Queryable) {}

  /** Runs `work` in a transaction, or in the one this service was given. */
  private inTransaction<T>(work: (db: Queryable) => Promise<T>): Promise<T> {
    return this.db.isTransaction ? work(this.db) : this.db.transaction().execute(work);
  }

  async count(): Promise<number> {
    const row = await this.db
      .selectFrom('users')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  async list(): Promise<User[]> {
    return (await this.db.selectFrom('users').selectAll().orderBy('email').execute()).map(toUser);
  }

  async get(id: string): Promise<User> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('user', id);
    return toUser(row);
  }

  async findByEmail(email: string): Promise<User | null> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('email', '=', normalizeEmail(email))
      .executeTakeFirst();
    return row ? toUser(row) : null;
  }

  async create(
    input: { email: string; password: string; role: string; name?: string | null },
    actor: Actor,
  ): Promise<User> {
    const email = normalizeEmail(input.email ?? '');
    const role = assertRole(input.role);
    assertPassword(input.password);
    const at = nowIso();
    const row: UsersTable = {
      id: newId('user'),
      email,
      name: userName(input.name),
      role,
      password_hash: await hashPassword(input.password),
      created_at: at,
      updated_at: at,
      disabled_at: null,
      availability: 'offline',
      capacity: null,
      language: null,
    };
    try {
      await this.db.insertInto('users').values(row).execute();
    } catch (e) {
      if (isUniqueViolation(e)) {
        const existing = await this.findByEmail(email);
        throw new ConflictError('email', email, existing?.id ?? '', 'user');
      }
      throw e;
    }
    await appendAuditEntry(this.db, {
      entityType: 'user',
      entityId: row.id,
      action: 'created',
      changes: [
        { field: 'email', old: null, new: email },
        { field: 'role', old: null, new: role },
      ],
      actor,
      at,
    });
    return toUser(row);
  }

  async update(
    id: string,
    input: { role?: string; name?: string | null; password?: string; disabled?: boolean },
    actor: Actor,
  ): Promise<User> {
    const before = await this.get(id);
    const set: Partial<UsersTable> = { updated_at: nowIso() };
    const changes: { field: string; old: unknown; new: unknown }[] = [];
    if (input.role !== undefined && input.role !== before.role) {
      set.role = assertRole(input.role);
      changes.push({ field: 'role', old: before.role, new: set.role });
    }
    if (input.name !== undefined) {
      set.name = userName(input.name);
      if (set.name !== before.name) changes.push({ field: 'name', old: before.name, new: set.name });
    }
    if (input.password !== undefined) {
      assertPassword(input.password);
      set.password_hash = await hashPassword(input.password);
      changes.push({ field: 'password', old: '***', new: '***' });
    }
    if (input.disabled !== undefined && input.disabled !== before.disabled) {
      if (input.disabled && actor.userId === id)
        throw new ValidationError('disabled', true, 'you cannot disable your own account');
      set.disabled_at = input.disabled ? nowIso() : null;
      changes.push({ field: 'disabled', old: before.disabled, new: input.disabled });
    }
    const demotes =
      (set.role === 'agent' || input.disabled === true) && before.role === 'admin' && !before.disabled;
    await this.inTransaction(async (db) => {
      if (demotes) {
        // Two admins demoting or disabling each other at once each saw the other still active: the
        // check and the change are one transaction, which on SQLite holds the write lock, and on
        // PostgreSQL locks the active admins first, so the later one waits and then sees the change.
        let admins = db
          .selectFrom('users')
          .select('id')
          .where('role', '=', 'admin')
          .where('disabled_at', 'is', null)
          .orderBy('id');
        if (sqlDialectOf(db) === 'postgres') admins = admins.forUpdate();
        if (!(await admins.execute()).some((admin) => admin.id !== id))
          throw new ValidationError(
            'role',
            input.role ?? before.role,
            'the last active admin cannot be demoted or disabled',
          );
      }
      await db.updateTable('users').set(set).where('id', '=', id).execute();
      if (set.password_hash || set.disabled_at) {
        // A changed password or a disabled account ends every session of that user.
        await db.deleteFrom('sessions').where('user_id', '=', id).execute();
      }
      if (changes.length > 0)
        await appendAuditEntry(db, {
          entityType: 'user',
          entityId: id,
          action: 'updated',
          changes,
          actor,
        });
    });
    return this.get(id);
  }

  /**
   * A user's own changes: name, language and password. A new password needs the current one, and ends
   * every other session of the user (the one given in `keepSessionId`, a session's stored id, stays).
   */
  async updateProfile(
    id: string,
    input: {
      name?: string | null;
      language?: string | null;
      password?: string;
      current_password?: string;
    },
    actor: Actor,
    keepSessionId: string | null = null,
  ): Promise<User> {
    const row = await this.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new NotFoundError('user', id);
    const before = toUser(row);
    const set: Partial<UsersTable> = {};
    const changes: { field: string; old: unknown; new: unknown }[] = [];
    if (input.name !== undefined) {
      const name = userName(input.name);
      if (name !== before.name) {
        set.name = name;
        changes.push({ field: 'name', old: before.name, new: name });
      }
    }
    if (input.language !== undefined) {
      const language = assertLanguage(input.language);
      if (language !== before.language) {
        set.language = language;
        changes.push({ field: 'language', old: before.language, new: language });
      }
    }
    if (input.password === undefined && input.current_password !== undefined)
      // Alone it changes nothing: a form that lost its new password must not look saved.
      throw new ValidationError('password', null, 'is required with current_password: give the new password');
    if (input.password !== undefined) {
      if (!input.current_password)
        throw new ValidationError('current_password', '***', 'is required to change your password');
      assertPassword(input.password);
      if (!(await verifyPassword(row.password_hash, input.current_password)))
        throw new ValidationError('current_password', '***', 'is not your current password');
      set.password_hash = await hashPassword(input.password);
      changes.push({ field: 'password', old: '***', new: '***' });
    }
    if (changes.length === 0) return before;
    set.updated_at = nowIso();
    await this.db.updateTable('users').set(set).where('id', '=', id).execute();
    if (set.password_hash) {
      // Whoever knew the old password is signed out everywhere but here.
      let sessions = this.db.deleteFrom('sessions').where('user_id', '=', id);
      if (keepSessionId) sessions = sessions.where('id', '!=', keepSessionId);
      await sessions.execute();
    }
    await appendAuditEntry(this.db, { entityType: 'user', entityId: id, action: 'updated', changes, actor });
    return this.get(id);
  }

  /** The active user with these credentials, or null; takes the same time whether the e-mail exists or not. */
  async authenticate(email: string, password: string): Promise<User | null> {
    const account = signInAccountOf(email);
    const row =
      account === null
        ? undefined
        : await this.db.selectFrom('users').selectAll().where('email', '=', account).executeTakeFirst();
    if (!row) {
      dummyHash ??= hashPassword('not-a-real-password');
      await verifyPassword(await dummyHash, password);
      return null;
    }
    if (!(await verifyPassword(row.password_hash, password)) || row.disabled_at) return null;
    return toUser(row);
  }
}
