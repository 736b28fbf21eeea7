/**
 * Reads the compared fields of every live contact into columns (no per-contact objects): on SQLite
 * straight from the statement, row by row as arrays (`RowReader`); elsewhere in pages by id through
 * Kysely, so that memory follows the columns, not the query.
 */
import { type CompiledQuery, type Expression, sql } from 'kysely';
import { SCALAR_FIELDS } from '../../domain/contact/contact-fields.js';
import type { RowReader } from '../../store/row-reader.js';
import type { Queryable } from '../../store/transaction.js';
import { attributeJsonSql } from '../../contacts/contact-attribute-sql.js';
import type { FieldRule } from '../model/matching-rules.js';
import type { DedupeInput, RawColumn } from '../model/prepared-records.js';

const PAGE = 20_000;

export interface LoadedContacts extends DedupeInput {
  ids: string[];
  /** Each contact's last change, read only when asked for (an incremental scan): 1M strings are ~50 MB. */
  updatedAt: string[];
  /** The caller's to clear once prepared. */
  columns: Map<string, RawColumn>;
}

type Cell = string | string[] | null;

export async function loadDedupeInput(
  db: Queryable,
  fields: readonly FieldRule[],
  reader: RowReader | null = null,
  options: { updatedAt?: boolean } = {},
): Promise<LoadedContacts> {
  const withUpdatedAt = options.updatedAt ?? true;
  // On SQLite, `+deleted_at` keeps the planner off the partial indexes `where deleted_at is null`
  // (contacts by name, e-mails by value...): through them it looked up every row at random and sorted
  // all of them again, 4× the time of walking the primary key or contact index in order.
  const live = (column: string): Expression<unknown> => (reader ? sql`+${sql.ref(column)}` : sql.ref(column));
  const first = withUpdatedAt ? 2 : 1;
  const names = fields.map((f) => f.field);
  const scalars = names.filter((n) =>
    (SCALAR_FIELDS as readonly string[]).includes(n),
  ) as (typeof SCALAR_FIELDS)[number][];
  const ids: string[] = [];
  const updatedAt: string[] = [];
  const columns = new Map<string, Cell[]>(names.map((n) => [n, []]));
  const scalarColumns = scalars.map((field) => columns.get(field)!);
  const take = (row: readonly unknown[]) => {
    ids.push(row[0] as string);
    if (withUpdatedAt) updatedAt.push(row[1] as string);
    for (let k = 0; k < scalarColumns.length; k++)
      scalarColumns[k]!.push((row[k + first] as string | null) ?? null);
  };
  const contacts = db
    .selectFrom('contacts')
    .select(['id', ...(withUpdatedAt ? (['updated_at'] as const) : []), ...scalars])
    .where(live('deleted_at'), 'is', null)
    .orderBy('id');
  if (reader) {
    for (const row of reader.rows(contacts.compile())) take(row);
  } else {
    let after = '';
    for (;;) {
      const rows = await contacts.where('id', '>', after).limit(PAGE).execute();
      if (rows.length === 0) break;
      for (const row of rows) take(Object.values(row));
      after = rows[rows.length - 1]!.id;
    }
  }
  // Side tables' [contact_id, value] rows, however they are read. A reader's rows are consumed with no
  // await in between: while its statement iterates, the connection can run nothing else.
  const eachPair = async (
    query: { compile(): CompiledQuery; execute(): Promise<{ contact_id: string; value: string }[]> },
    use: (contactId: string, value: string) => void,
  ) => {
    if (reader) {
      for (const [contactId, value] of reader.rows(query.compile()))
        use(contactId as string, value as string);
      return;
    }
    for (const row of await query.execute()) use(row.contact_id, row.value);
  };
  for (const name of names) {
    const column = columns.get(name)!;
    if (column.length === ids.length) continue;
    column.length = ids.length;
    column.fill(null);
    const recordOf = contactIndex(ids);
    const put = (contactId: string, value: string) => {
      const i = recordOf(contactId);
      if (i < 0) return;
      const had = column[i];
      column[i] = had == null ? value : Array.isArray(had) ? [...had, value] : [had, value];
    };
    if (name === 'email' || name === 'phone') {
      const table = name === 'email' ? 'contact_emails' : 'contact_phones';
      await eachPair(
        db
          .selectFrom(table)
          .select(['contact_id', 'value'])
          .where(live('deleted_at'), 'is', null)
          .orderBy('contact_id')
          .orderBy('position'),
        put,
      );
    } else if (name.startsWith('identity.')) {
      await eachPair(
        db
          .selectFrom('contact_identities')
          .select(['contact_id', 'value'])
          .where(live('deleted_at'), 'is', null)
          .where('type', '=', name.slice('identity.'.length))
          .orderBy('contact_id'),
        put,
      );
    } else if (name.startsWith('attr.')) {
      const value = attributeJsonSql(db, name.slice('attr.'.length));
      await eachPair(
        db
          .selectFrom('contacts')
          .select(['id as contact_id', value.$notNull().as('value')])
          .where(live('deleted_at'), 'is', null)
          .where(value, 'is not', null)
          .orderBy('id'),
        (contactId, json) => {
          const value = JSON.parse(json) as unknown;
          if (value !== null && value !== '') put(contactId, String(value));
        },
      );
    }
  }
  return { ids, updatedAt, columns };
}

/**
 * Finds a contact's record number from side-table rows read in contact order: a cursor walks the
 * sorted ids along with them (no map of a million ids). Ids or rows out of JavaScript's order (a
 * database collating ids otherwise) are looked up in a map, built the first time. -1: not live.
 */
export function contactIndex(ids: readonly string[]): (contactId: string) => number {
  let cursor = 0;
  let previous = '';
  let byId: Map<string, number> | null = null;
  let sorted = true;
  for (let i = 1; i < ids.length && sorted; i++) sorted = ids[i - 1]! < ids[i]!;
  return (contactId) => {
    if (!sorted || contactId < previous) {
      byId ??= new Map(ids.map((id, i) => [id, i]));
      return byId.get(contactId) ?? -1;
    }
    previous = contactId;
    while (cursor < ids.length && ids[cursor]! < contactId) cursor++;
    return cursor < ids.length && ids[cursor] === contactId ? cursor : -1;
  };
}
