/**
 * SQL over `contacts.attributes`, the JSON object of a contact's custom attributes (text on both
 * databases). The two spell JSON access differently; everything that reads an attribute in SQL goes
 * through here.
 */
import { type RawBuilder, sql } from 'kysely';
import type { ContactAttributeValues } from '../customization/attribute-definition-service.js';
import type { AttributeValue } from '../domain/contact/contact-fields.js';
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

type Attributes = Record<string, AttributeValue>;

function sortedByKey(attributes: Attributes): Attributes {
  const sorted: Attributes = {};
  for (const key of Object.keys(attributes).sort()) sorted[key] = attributes[key]!;
  return sorted;
}

/** The column's text for a contact's attributes: keys sorted, null for none. */
export function serializeAttributes(attributes: Attributes): string | null {
  return Object.keys(attributes).length === 0 ? null : JSON.stringify(sortedByKey(attributes));
}

/** The attributes stored in the column, keys sorted (PostgreSQL's own JSON text orders them otherwise). */
export function parseAttributes(column: string | null): Attributes {
  if (column === null) return {};
  const parsed = JSON.parse(column) as Attributes;
  const keys = Object.keys(parsed);
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return sortedByKey(parsed);
  return parsed;
}

/** Removes one attribute from every contact holding it (deleting its definition). */
export async function removeAttributeFromAllContacts(db: Queryable, key: string): Promise<void> {
  if (sqlDialectOf(db) === 'sqlite') {
    const path = `$."${key}"`;
    await sql`update contacts set attributes = nullif(json_remove(attributes, ${path}), '{}')
      where attributes -> ${path} is not null`.execute(db);
  } else {
    await sql`update contacts set attributes = nullif((attributes::jsonb - ${key})::text, '{}')
      where jsonb_exists(attributes::jsonb, ${key})`.execute(db);
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
  removeFromAllContacts: removeAttributeFromAllContacts,
};
