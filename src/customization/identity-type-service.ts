import type { Actor } from '../domain/actor.js';
import { ConflictError, KithError, NotFoundError, ValidationError } from '../domain/errors.js';
import { MAX_NAME_LENGTH, normalizeBoundedText } from '../domain/normalize/text.js';
import { appendAuditEntry } from '../history/audit-log.js';
import { isUniqueViolation } from '../store/database.js';
import { nowIso, type Queryable } from '../store/transaction.js';

export interface IdentityType {
  key: string;
  label: string;
  builtin: boolean;
  created_at: string;
}

export const IDENTITY_TYPE_KEY_PATTERN = /^[a-z][a-z0-9_]{0,62}$/;

export class IdentityTypeService {
  constructor(private readonly db: Queryable) {}

  async list(): Promise<IdentityType[]> {
    const rows = await this.db.selectFrom('identity_types').selectAll().orderBy('key').execute();
    return rows.map((r) => ({ ...r, builtin: r.builtin === 1 }));
  }

  async keys(): Promise<Set<string>> {
    const rows = await this.db.selectFrom('identity_types').select('key').execute();
    return new Set(rows.map((r) => r.key));
  }

  async create(input: { key: string; label?: string | null }, actor: Actor): Promise<IdentityType> {
    if (!IDENTITY_TYPE_KEY_PATTERN.test(input.key)) {
      throw new ValidationError(
        'key',
        input.key,
        'must be lower-case letters, digits and _ and start with a letter',
      );
    }
    const row = {
      key: input.key,
      label: normalizeBoundedText(input.label ?? '', 'label', MAX_NAME_LENGTH) ?? input.key,
      builtin: 0,
      created_at: nowIso(),
    };
    try {
      await this.db.insertInto('identity_types').values(row).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError('key', input.key, input.key, 'identity type');
      throw e;
    }
    await appendAuditEntry(this.db, {
      entityType: 'identity_type',
      entityId: row.key,
      action: 'created',
      changes: [{ field: 'label', old: null, new: row.label }],
      actor,
    });
    return { ...row, builtin: false };
  }

  /** The label may change (built-in types too); the key may not, stored identities are filed under it. */
  async update(key: string, input: { label?: string | null }, actor: Actor): Promise<IdentityType> {
    const row = await this.db
      .selectFrom('identity_types')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('identity type', key);
    const label =
      input.label !== undefined
        ? (normalizeBoundedText(input.label ?? '', 'label', MAX_NAME_LENGTH) ?? key)
        : row.label;
    if (label !== row.label) {
      await this.db.updateTable('identity_types').set({ label }).where('key', '=', key).execute();
      await appendAuditEntry(this.db, {
        entityType: 'identity_type',
        entityId: key,
        action: 'updated',
        changes: [{ field: 'label', old: row.label, new: label }],
        actor,
      });
    }
    return { ...row, label, builtin: row.builtin === 1 };
  }

  async delete(key: string, actor: Actor): Promise<void> {
    const row = await this.db
      .selectFrom('identity_types')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('identity type', key);
    if (row.builtin)
      throw new KithError('builtin', `identity type ${key} is built in and cannot be deleted`, 400, { key });
    const used = await this.db
      .selectFrom('contact_identities')
      .select('contact_id')
      .where('type', '=', key)
      .limit(1)
      .executeTakeFirst();
    if (used) {
      throw new KithError('in_use', `identity type ${key} is still used by contact ${used.contact_id}`, 409, {
        key,
        existing_id: used.contact_id,
      });
    }
    await this.db.deleteFrom('identity_types').where('key', '=', key).execute();
    await appendAuditEntry(this.db, {
      entityType: 'identity_type',
      entityId: key,
      action: 'deleted',
      changes: [{ field: 'label', old: row.label, new: null }],
      actor,
    });
  }
}
