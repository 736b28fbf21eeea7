/**
 * The columns of a contacts export and each record's values in them (pure). One layout for every
 * format: CSV and XLSX write the columns as a header, JSON and NDJSON as keys (identities and
 * attributes nested, as the API shows a contact), XML as elements (export-xml.ts). The column names
 * are the import's mapping targets, so a file Kith wrote maps itself when read back.
 */
import type { ContactWithGroups } from '../contacts/contact-row-reader.js';
import { type AttributeValue, CONTACT_KEYS, PURCHASE_FACT_KEYS } from '../domain/contact/contact-fields.js';
import { ValidationError } from '../domain/errors.js';
import { localDateTime } from './local-date-time.js';

/**
 * A contact as exported: the API's shape plus the names of the groups it belongs to, and its purchase
 * facts when the export has their columns.
 */
export type ExportedContact = ContactWithGroups &
  Partial<Record<(typeof PURCHASE_FACT_KEYS)[number], unknown>>;

// The contact's keys in their order (CONTACT_KEYS), its groups after its tags; identities and
// attributes, a column each, stand between the leading and the trailing ones.
const LEADING_COLUMNS = CONTACT_KEYS.slice(0, CONTACT_KEYS.indexOf('identities')).flatMap((key) =>
  key === 'tags' ? [key, 'groups'] : [key],
);
const TRAILING_COLUMNS = CONTACT_KEYS.slice(CONTACT_KEYS.indexOf('attributes') + 1);

export const LIST_COLUMNS = new Set(['additional_emails', 'additional_phones', 'tags', 'groups']);
/** Joins a list in one CSV/XLSX cell; the import splits cells on it. */
export const LIST_SEPARATOR = ';';

export type ExportColumn =
  /** `timeZone`: a moment written as people read it there (an export for people), not ISO 8601 UTC. */
  | { kind: 'field'; name: string; timeZone?: string }
  | { kind: 'list'; name: string }
  | { kind: 'identity'; name: string; type: string }
  | { kind: 'attribute'; name: string; key: string };

export interface ExportSchema {
  /** Defined identity types. */
  identityTypes: readonly string[];
  /** Defined attribute keys. */
  attributeKeys: readonly string[];
}

/** Whether any chosen column is a purchase fact (read with the customers list, not the id ranges). */
export const hasPurchaseFacts = (columns: readonly ExportColumn[]) =>
  columns.some((c) => (PURCHASE_FACT_KEYS as readonly string[]).includes(c.name));

/** Every column an export can have, in the default order. */
export function allColumns(schema: ExportSchema): ExportColumn[] {
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [
    ...LEADING_COLUMNS.map((name) => toColumn(name)),
    ...[...schema.identityTypes].sort(byName).map((type) => toColumn(`identity.${type}`)),
    ...[...schema.attributeKeys].sort(byName).map((key) => toColumn(`attr.${key}`)),
    ...TRAILING_COLUMNS.map((name) => toColumn(name)),
  ];
}

function toColumn(name: string): ExportColumn {
  if (name.startsWith('identity.')) return { kind: 'identity', name, type: name.slice('identity.'.length) };
  if (name.startsWith('attr.')) return { kind: 'attribute', name, key: name.slice('attr.'.length) };
  return LIST_COLUMNS.has(name) ? { kind: 'list', name } : { kind: 'field', name };
}

/**
 * The column names asked for, in order: a list, or comma-separated text (the query string's form, and a
 * list's items may be too). None (absent, `[]`, `""`) is every column. An empty name is refused with the
 * value as sent: dropped, `[""]` exported every column while the export showed `columns: []`.
 */
export function columnNames(requested: string | readonly string[] | null | undefined): string[] {
  if (requested == null) return [];
  if (typeof requested === 'string' && requested.trim() === '') return [];
  const items: readonly string[] = typeof requested === 'string' ? [requested] : requested;
  const names: string[] = [];
  items.forEach((item, i) => {
    for (const piece of item.split(',')) {
      const name = piece.trim();
      if (name === '')
        throw new ValidationError(
          'columns',
          requested,
          `holds an empty column name${typeof requested === 'string' ? '' : ` (item ${i + 1})`}; name each column, or leave columns out to export every column`,
        );
      names.push(name);
    }
  });
  return names;
}

/**
 * The columns asked for (`name,email,identity.*`), in the order asked, or every column when none are.
 * `identity.*` and `attr.*` stand for every identity type and attribute. Unknown or repeated names are
 * refused, naming them.
 */
export function chooseColumns(schema: ExportSchema, requested: string | readonly string[] | undefined) {
  const available = allColumns(schema);
  const names = columnNames(requested);
  if (names.length === 0) return available;
  const chosen: ExportColumn[] = [];
  const seen = new Set<string>();
  const add = (column: ExportColumn, asked: string) => {
    if (seen.has(column.name))
      throw new ValidationError('columns', asked, `names column ${column.name} twice`);
    seen.add(column.name);
    chosen.push(column);
  };
  for (const name of names) {
    if (name === 'identity.*' || name === 'attr.*') {
      const kind = name === 'identity.*' ? 'identity' : 'attribute';
      for (const column of available) if (column.kind === kind) add(column, name);
      continue;
    }
    // The purchase facts are columns when asked for by name (not in the default set: an export of
    // everyone then reads them with the customers list instead of the id ranges).
    const column =
      available.find((c) => c.name === name) ??
      ((PURCHASE_FACT_KEYS as readonly string[]).includes(name) ? toColumn(name) : undefined);
    if (!column)
      throw new ValidationError(
        'columns',
        name,
        name.startsWith('identity.') || name.startsWith('attr.')
          ? `no such ${name.startsWith('identity.') ? 'identity type' : 'attribute'} is defined`
          : `is not a column; columns are ${LEADING_COLUMNS.join(', ')}, identity.<type>, attr.<key>, ${[...TRAILING_COLUMNS, ...PURCHASE_FACT_KEYS].join(', ')}`,
      );
    add(column, name);
  }
  return chosen;
}

/** The value of one column: text, a number or boolean (attributes), a list, or null when absent. */
export function columnValue(
  contact: ExportedContact,
  column: ExportColumn,
): string | number | boolean | string[] | null {
  switch (column.kind) {
    case 'identity':
      return contact.identities[column.type] ?? null;
    case 'attribute':
      return (contact.attributes[column.key] as AttributeValue | undefined) ?? null;
    case 'list':
      return (contact as unknown as Record<string, string[]>)[column.name] ?? [];
    case 'field': {
      const value = (contact as unknown as Record<string, string | null>)[column.name] ?? null;
      return column.timeZone && typeof value === 'string' ? localDateTime(value, column.timeZone) : value;
    }
  }
}

/** A cell of a spreadsheet (CSV, XLSX): lists joined by `;`, absent as empty. */
export function cellText(value: ReturnType<typeof columnValue>): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.join(LIST_SEPARATOR);
  return String(value);
}

/**
 * The JSON / NDJSON record: the API's contact shape restricted to the chosen columns. Absent scalars
 * are null; identities and attributes are objects holding only the keys the contact has.
 */
export function jsonRecord(contact: ExportedContact, columns: readonly ExportColumn[]) {
  const record: Record<string, unknown> = {};
  for (const column of columns) {
    const value = columnValue(contact, column);
    if (column.kind === 'identity') {
      const identities = (record.identities ??= {}) as Record<string, unknown>;
      if (value !== null) identities[column.type] = value;
    } else if (column.kind === 'attribute') {
      const attributes = (record.attributes ??= {}) as Record<string, unknown>;
      if (value !== null) attributes[column.key] = value;
    } else record[column.name] = value;
  }
  return record;
}
