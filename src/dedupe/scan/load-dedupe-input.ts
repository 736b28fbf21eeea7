/**
 * Reads the compared fields of every live contact into columns (no per-contact objects), in pages
 * by id so memory follows the columns, not the query.
 */
import { SCALAR_FIELDS } from '../../domain/contact/contact-fields.js';
import type { Queryable } from '../../store/transaction.js';
import type { FieldRule } from '../model/matching-rules.js';
import type { DedupeInput, RawColumn } from '../model/prepared-records.js';

const PAGE = 20_000;

export interface LoadedContacts extends DedupeInput {
  ids: string[];
  updatedAt: string[];
  /** The caller's to clear once prepared. */
  columns: Map<string, RawColumn>;
}

type Cell = string | string[] | null;

export async function loadDedupeInput(db: Queryable, fields: readonly FieldRule[]): Promise<LoadedContacts> {
  const names = fields.map((f) => f.field);
  const scalars = names.filter((n) =>
    (SCALAR_FIELDS as readonly string[]).includes(n),
  ) as (typeof SCALAR_FIELDS)[number][];
  const ids: string[] = [];
  const updatedAt: string[] = [];
  const columns = new Map<string, Cell[]>(names.map((n) => [n, []]));
  let after = '';
  for (;;) {
    const rows = await db
      .selectFrom('contacts')
      .select(['id', 'updated_at', ...scalars])
      .where('deleted_at', 'is', null)
      .where('id', '>', after)
      .orderBy('id')
      .limit(PAGE)
      .execute();
    if (rows.length === 0) break;
    for (const row of rows) {
      ids.push(row.id);
      updatedAt.push(row.updated_at);
      for (const field of scalars)
        columns.get(field)!.push((row as Record<string, string | null>)[field] ?? null);
    }
    after = rows[rows.length - 1]!.id;
  }
  const index = new Map(ids.map((id, i) => [id, i]));
  for (const name of names) {
    const column = columns.get(name)!;
    if (column.length === ids.length) continue;
    column.length = ids.length;
    column.fill(null);
    const put = (contactId: string, value: string) => {
      const i = index.get(contactId);
      if (i === undefined) return;
      const had = column[i];
      column[i] = had == null ? value : Array.isArray(had) ? [...had, value] : [had, value];
    };
    if (name === 'email' || name === 'phone') {
      const table = name === 'email' ? 'contact_emails' : 'contact_phones';
      const rows = await db
        .selectFrom(table)
        .select(['contact_id', 'value'])
        .where('deleted_at', 'is', null)
        .orderBy('contact_id')
        .orderBy('position')
        .execute();
      for (const r of rows) put(r.contact_id, r.value);
    } else if (name.startsWith('identity.')) {
      const rows = await db
        .selectFrom('contact_identities')
        .select(['contact_id', 'value'])
        .where('deleted_at', 'is', null)
        .where('type', '=', name.slice('identity.'.length))
        .execute();
      for (const r of rows) put(r.contact_id, r.value);
    } else if (name.startsWith('attr.')) {
      const rows = await db
        .selectFrom('contact_attributes')
        .select(['contact_id', 'value'])
        .where('key', '=', name.slice('attr.'.length))
        .execute();
      for (const r of rows) {
        const value = JSON.parse(r.value) as unknown;
        if (value !== null && value !== '') put(r.contact_id, String(value));
      }
    }
  }
  return { ids, updatedAt, columns };
}
