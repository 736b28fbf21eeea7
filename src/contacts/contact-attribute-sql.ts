/**
 * SQL over `contacts.attributes`, the JSON object of a contact's custom attributes (text on both
 * databases). The two spell JSON access differently; everything that reads an attribute in SQL goes
 * through here.
 */
import { type RawBuilder, sql } from 'kysely';
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

/** The column's text for a contact's attributes: keys sorted, null for none. */
export function serializeAttributes(attributes: Record<string, AttributeValue>): string | null {
  const keys = Object.keys(attributes);
  if (keys.length === 0) return null;
  keys.sort();
  const sorted: Record<string, AttributeValue> = {};
  for (const key of keys) sorted[key] = attributes[key]!;
  return JSON.stringify(sorted);
}

/** The attributes stored in the column, keys sorted (PostgreSQL's own JSON text orders them otherwise). */
export function parseAttributes(column: string | null): Record<string, AttributeValue> {
  if (column === null) return {};
  const parsed = JSON.parse(column) as Record<string, AttributeValue>;
  const keys = Object.keys(parsed);
  for (let i = 1; i < keys.length; i++)
    if (keys[i - 1]! > keys[i]!) return JSON.parse(serializeAttributes(parsed)!);
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
