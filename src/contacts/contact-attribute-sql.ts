/**
 * SQL over `contacts.attributes`, the JSON object of a contact's custom attributes (text on both
 * databases). The two spell JSON access differently; everything that reads an attribute in SQL goes
 * through here.
 */
import { type RawBuilder, sql } from 'kysely';
import type { ContactAttributeValues } from '../customization/attribute-definition-service.js';
import { sqlDialectOf } from '../store/sql-dialect.js';
import type { Queryable } from '../store/transaction.js';

/**
 * The attribute's value as compact JSON text (`"Gold"`, `12`, `true`), or null when the contact has
 * none: comparable with `JSON.stringify(value)`.
 */
export function attributeJsonSql(db: Queryable, key: string): RawBuilder<string | null> {
  return sqlDialectOf(db) === 'sqlite'
    ? sql<string | null>`(contacts.attributes -> ${`$."${key}"`})`
    : sql<string | null>`((contacts.attributes::jsonb -> ${key})::text)`;
}

/**
 * SQLite: the rowids of the live contacts that may hold `key` = `json` (the value's JSON text), from
 * migration 0027's FTS5 table. A superset (values past 32 characters share a token, as do true and 1):
 * confirm each against `attributeJsonSql`. The token is computed here with the migration's expression
 * over json_each of the value, so the filter's value is read exactly as a stored one is.
 */
export function sqliteAttributeCandidatesSql(key: string, json: string): RawBuilder<{ rowid: number }> {
  return sql<{
    rowid: number;
  }>`select rowid from contact_attribute_search where contact_attribute_search match
    (select '"' || hex(substr(j.key || char(31) || coalesce(j.value, j.type), 1, 32)) || '"'
      from json_each(json_object(${key}, json(${json}))) j)`;
}

/**
 * Removes one attribute from every deleted contact holding it (deleting its definition, which no live
 * contact may hold then). Live contacts are never touched here: a value written meanwhile stays.
 */
export async function removeAttributeFromDeletedContacts(db: Queryable, key: string): Promise<void> {
  if (sqlDialectOf(db) === 'sqlite') {
    const path = `$."${key}"`;
    await sql`update contacts set attributes = nullif(json_remove(attributes, ${path}), '{}')
      where attributes -> ${path} is not null and deleted_at is not null`.execute(db);
  } else {
    await sql`update contacts set attributes = nullif((attributes::jsonb - ${key})::text, '{}')
      where jsonb_exists(attributes::jsonb, ${key}) and deleted_at is not null`.execute(db);
  }
}

/** The contacts' side of attribute definitions' changes (given to `AttributeDefinitionService`). */
export const contactAttributeValues: ContactAttributeValues = {
  async contactWithValue(db, key, value) {
    const row = await db
      .selectFrom('contacts')
      .select('id')
      .where(attributeJsonSql(db, key), '=', JSON.stringify(value))
      .limit(1)
      .executeTakeFirst();
    return row?.id ?? null;
  },
  async liveContactWithAttribute(db, key) {
    const row = await db
      .selectFrom('contacts')
      .select('id')
      .where(attributeJsonSql(db, key), 'is not', null)
      .where('deleted_at', 'is', null)
      .limit(1)
      .executeTakeFirst();
    return row?.id ?? null;
  },
  removeFromDeletedContacts: removeAttributeFromDeletedContacts,
};
