import type { Actor } from '../domain/actor.js';
import type { AttributeValue } from '../domain/contact/contact-fields.js';
import {
  ATTRIBUTE_KEY_PATTERN,
  ATTRIBUTE_TYPES,
  type AttributeDefinition,
  type AttributeType,
} from '../domain/contact/attribute-value.js';
import { ConflictError, KithError, NotFoundError, ValidationError } from '../domain/errors.js';
import {
  MAX_DESCRIPTION_LENGTH,
  MAX_NAME_LENGTH,
  normalizeBoundedText,
  normalizeText,
} from '../domain/normalize/text.js';
import { assertNoControlCharacters } from '../domain/well-formed-text.js';
import { appendAuditEntry } from '../history/audit-log.js';
import { isUniqueViolation } from '../store/database.js';
import type { AttributeDefinitionsTable } from '../store/schema.js';
import { nowIso, type Queryable } from '../store/transaction.js';

export interface AttributeDefinitionRecord extends AttributeDefinition {
  created_at: string;
  updated_at: string;
}

export interface AttributeDefinitionInput {
  key: string;
  label?: string | null;
  type: string;
  options?: string[] | null;
  description?: string | null;
}

function toRecord(row: AttributeDefinitionsTable): AttributeDefinitionRecord {
  return {
    key: row.key,
    label: row.label,
    type: row.type as AttributeType,
    options: row.options ? (JSON.parse(row.options) as string[]) : null,
    description: row.description,
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
}

function normalizeOptions(type: AttributeType, options: string[] | null | undefined): string[] | null {
  if (type !== 'list') {
    if (options && options.length > 0)
      throw new ValidationError('options', options, 'only list attributes have options');
    return null;
  }
  (options ?? []).forEach((o) => assertNoControlCharacters(o, 'options'));
  const cleaned = [
    ...new Set((options ?? []).map((o) => normalizeText(o)).filter((o): o is string => o !== null)),
  ];
  if (cleaned.length === 0)
    throw new ValidationError('options', options ?? null, 'a list attribute needs at least one option');
  return cleaned;
}

/**
 * What this service needs of the contacts' stored values (`contacts.attributes`), implemented by
 * `src/contacts/contact-attribute-sql.ts`. Passed in because contacts sit above customization: they
 * validate against these definitions, so customization cannot import contacts.
 */
export interface ContactAttributeValues {
  /** A contact (live or deleted) whose attribute `key` holds `value`, if any. */
  contactWithValue(db: Queryable, key: string, value: AttributeValue): Promise<string | null>;
  /** A live contact holding any value of attribute `key`, if any. */
  liveContactWithAttribute(db: Queryable, key: string): Promise<string | null>;
  /** Removes attribute `key` from every deleted contact holding it (no live one may, to delete it). */
  removeFromDeletedContacts(db: Queryable, key: string): Promise<void>;
}

export class AttributeDefinitionService {
  /** `contactValues` is needed by `update` and `delete` only; readers of the definitions may leave it out. */
  constructor(
    private readonly db: Queryable,
    private readonly contactValues: ContactAttributeValues | null = null,
  ) {}

  private valuesOfContacts(): ContactAttributeValues {
    if (!this.contactValues)
      throw new Error(
        'AttributeDefinitionService was built without ContactAttributeValues: it can only read',
      );
    return this.contactValues;
  }

  async list(): Promise<AttributeDefinitionRecord[]> {
    const rows = await this.db.selectFrom('attribute_definitions').selectAll().orderBy('key').execute();
    return rows.map(toRecord);
  }

  async byKey(): Promise<Map<string, AttributeDefinitionRecord>> {
    return new Map((await this.list()).map((d) => [d.key, d]));
  }

  async get(key: string): Promise<AttributeDefinitionRecord> {
    const row = await this.db
      .selectFrom('attribute_definitions')
      .selectAll()
      .where('key', '=', key)
      .executeTakeFirst();
    if (!row) throw new NotFoundError('attribute', key);
    return toRecord(row);
  }

  async create(input: AttributeDefinitionInput, actor: Actor): Promise<AttributeDefinitionRecord> {
    if (!ATTRIBUTE_KEY_PATTERN.test(input.key)) {
      throw new ValidationError(
        'key',
        input.key,
        'must be lower-case letters, digits and _ and start with a letter',
      );
    }
    if (!(ATTRIBUTE_TYPES as readonly string[]).includes(input.type)) {
      throw new ValidationError('type', input.type, `must be one of ${ATTRIBUTE_TYPES.join(', ')}`);
    }
    const type = input.type as AttributeType;
    const now = nowIso();
    const row: AttributeDefinitionsTable = {
      key: input.key,
      label: normalizeBoundedText(input.label ?? '', 'label', MAX_NAME_LENGTH) ?? input.key,
      type,
      options: JSON.stringify(normalizeOptions(type, input.options)),
      description: normalizeBoundedText(
        input.description ?? '',
        'description',
        MAX_DESCRIPTION_LENGTH,
        'lines',
      ),
      created_at: now,
      updated_at: now,
    };
    if (type !== 'list') row.options = null;
    try {
      await this.db.insertInto('attribute_definitions').values(row).execute();
    } catch (e) {
      if (isUniqueViolation(e)) throw new ConflictError('key', input.key, input.key, 'attribute');
      throw e;
    }
    await appendAuditEntry(this.db, {
      entityType: 'attribute_definition',
      entityId: row.key,
      action: 'created',
      changes: [
        { field: 'label', old: null, new: row.label },
        { field: 'type', old: null, new: type },
        ...(row.options ? [{ field: 'options', old: null, new: JSON.parse(row.options) as string[] }] : []),
      ],
      actor,
    });
    return toRecord(row);
  }

  /** Label, description and (for lists) options may change; the type may not, stored values depend on it. */
  async update(
    key: string,
    input: { label?: string | null; description?: string | null; options?: string[] | null },
    actor: Actor,
  ): Promise<AttributeDefinitionRecord> {
    const before = await this.get(key);
    const after: AttributeDefinitionRecord = {
      ...before,
      label:
        input.label !== undefined
          ? (normalizeBoundedText(input.label ?? '', 'label', MAX_NAME_LENGTH) ?? key)
          : before.label,
      description:
        input.description !== undefined
          ? normalizeBoundedText(input.description ?? '', 'description', MAX_DESCRIPTION_LENGTH, 'lines')
          : before.description,
      options: input.options !== undefined ? normalizeOptions(before.type, input.options) : before.options,
      updated_at: nowIso(),
    };
    if (before.type === 'list' && after.options) {
      const removed = (before.options ?? []).filter((o) => !after.options?.includes(o));
      for (const option of removed) {
        const usedBy = await this.valuesOfContacts().contactWithValue(this.db, key, option);
        if (usedBy) {
          throw new KithError(
            'in_use',
            `option ${JSON.stringify(option)} is still used by contact ${usedBy}`,
            409,
            {
              field: 'options',
              value: option,
              existing_id: usedBy,
            },
          );
        }
      }
    }
    await this.db
      .updateTable('attribute_definitions')
      .set({
        label: after.label,
        description: after.description,
        options: after.options ? JSON.stringify(after.options) : null,
        updated_at: after.updated_at,
      })
      .where('key', '=', key)
      .execute();
    const changes = (['label', 'description', 'options'] as const)
      .filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]))
      .map((f) => ({ field: f, old: before[f], new: after[f] }));
    if (changes.length > 0)
      await appendAuditEntry(this.db, {
        entityType: 'attribute_definition',
        entityId: key,
        action: 'updated',
        changes,
        actor,
      });
    return after;
  }

  async delete(key: string, actor: Actor): Promise<void> {
    const before = await this.get(key);
    const contactValues = this.valuesOfContacts();
    const refuseInUse = async (db: Queryable) => {
      const usedBy = await contactValues.liveContactWithAttribute(db, key);
      if (usedBy) {
        throw new KithError('in_use', `attribute ${key} still has a value on contact ${usedBy}`, 409, {
          key,
          existing_id: usedBy,
        });
      }
    };
    await refuseInUse(this.db);
    // One transaction, checked again at its end: a customer given a value meanwhile keeps the
    // definition (and the value). Only deleted customers' values go, which no one sees or changes.
    await this.db.transaction().execute(async (trx) => {
      await contactValues.removeFromDeletedContacts(trx, key);
      // The same delete sent at once: the one that finds it gone (on PostgreSQL after waiting for the
      // other's transaction) answers 404 instead of deleting and auditing it again.
      const deleted = await trx.deleteFrom('attribute_definitions').where('key', '=', key).executeTakeFirst();
      if (Number(deleted.numDeletedRows) === 0) throw new NotFoundError('attribute', key);
      await refuseInUse(trx);
      await appendAuditEntry(trx, {
        entityType: 'attribute_definition',
        entityId: key,
        action: 'deleted',
        changes: [
          { field: 'label', old: before.label, new: null },
          { field: 'type', old: before.type, new: null },
        ],
        actor,
      });
    });
  }
}
