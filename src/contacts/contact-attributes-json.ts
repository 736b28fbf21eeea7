/**
 * A contact's custom attributes as the `contacts.attributes` column holds them: one JSON object, keys
 * sorted, null for none. Pure and free of the query builder, so the export's threads load only this.
 */
import type { AttributeValue } from '../domain/contact/contact-fields.js';

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
