/**
 * Reads the compared fields of every live contact value by value (no per-contact objects): on SQLite
 * straight from the statement, row by row as arrays (`RowReader`); elsewhere in pages by id through
 * Kysely, so that memory follows what the caller keeps, not the query.
 */
import { type CompiledQuery, type Expression, sql } from 'kysely';
import { SCALAR_FIELDS } from '../../domain/contact/contact-fields.js';
import type { RowReader } from '../../store/row-reader.js';
import type { Queryable } from '../../store/transaction.js';
import { attributeJsonSql } from '../../contacts/contact-attribute-sql.js';
import type { FieldRule } from '../model/matching-rules.js';

const PAGE = 20_000;

export interface ReadContacts {
  ids: string[];
  /** Each contact's last change, read only when asked for (an incremental scan): 1M strings are ~50 MB. */
  updatedAt: string[];
}

/**
 * Takes one raw value of a compared field: `field` indexes `fields`, `record` the contact's place in
 * `ids`. Values come field by field for e-mails, phones, identities and attributes, each contact's in
 * order; scalar fields come row by row. Records ascend within a field.
 */
export type DedupeValueSink = (field: number, record: number, raw: string) => void;

/**
 * Reads the compared fields of every live contact, handing each raw value to `add` as it is read: a
 * scan prepares values as they come instead of holding every raw string first (hundreds of MB at a
 * million contacts, and most of the garbage collector's work).
 */
export async function readDedupeValues(
  db: Queryable,
  fields: readonly FieldRule[],
  reader: RowReader | null,
  add: DedupeValueSink,
  options: { updatedAt?: boolean } = {},
): Promise<ReadContacts> {
  const withUpdatedAt = options.updatedAt ?? true;
  // On SQLite, `+deleted_at` keeps the planner off the partial indexes `where deleted_at is null`
  // (contacts by name, e-mails by value...): through them it looked up every row at random and sorted
  // all of them again, 4× the time of walking the primary key or contact index in order.
  const live = (column: string): Expression<unknown> => (reader ? sql`+${sql.ref(column)}` : sql.ref(column));
  const first = withUpdatedAt ? 2 : 1;
  const names = fields.map((f) => f.field);
  const scalars = [
    ...new Set(names.filter((n) => (SCALAR_FIELDS as readonly string[]).includes(n))),
  ] as (typeof SCALAR_FIELDS)[number][];
  // Each selected scalar column's fields (a column compared twice, by two rules, feeds both).
  const scalarFields = scalars.map((column) => names.flatMap((n, k) => (n === column ? [k] : [])));
  const ids: string[] = [];
  const updatedAt: string[] = [];
  const take = (row: readonly unknown[]) => {
    const record = ids.length;
    ids.push(row[0] as string);
    if (withUpdatedAt) updatedAt.push(row[1] as string);
    for (let k = 0; k < scalarFields.length; k++) {
      const raw = row[k + first] as string | null;
      if (raw == null) continue;
      for (const field of scalarFields[k]!) add(field, record, raw);
    }
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
    query: {
      compile(): CompiledQuery;
      execute(): Promise<{ contact_id: string; value: string; position?: number }[]>;
    },
    use: (contactId: string, value: string, position: number) => void,
  ) => {
    if (reader) {
      for (const [contactId, value, position] of reader.rows(query.compile()))
        use(contactId as string, value as string, (position as number | undefined) ?? 0);
      return;
    }
    for (const row of await query.execute()) use(row.contact_id, row.value, row.position ?? 0);
  };
  // Each side table or attribute once, however many rules compare it.
  for (const name of new Set(names)) {
    if ((SCALAR_FIELDS as readonly string[]).includes(name)) continue;
    const fieldsOfName = names.flatMap((n, k) => (n === name ? [k] : []));
    const recordOf = contactIndex(ids);
    const put = (contactId: string, value: string) => {
      const i = recordOf(contactId);
      if (i >= 0) for (const k of fieldsOfName) add(k, i, value);
    };
    if (name === 'email' || name === 'phone') {
      const table = name === 'email' ? 'contact_emails' : 'contact_phones';
      // In the contact index's order only: ordering by position too made SQLite sort the whole table
      // again (about 0.15 s a table at a million contacts). A contact's values come together; the few
      // contacts with several are put in position order here, the first being the primary.
      let contact: string | null = null;
      let first = '';
      let firstPosition = 0;
      let more: { value: string; position: number }[] | null = null;
      const flush = () => {
        if (contact === null) return;
        if (more === null) put(contact, first);
        else {
          more.push({ value: first, position: firstPosition });
          more.sort((x, y) => x.position - y.position);
          for (const held of more) put(contact, held.value);
          more = null;
        }
      };
      await eachPair(
        db
          .selectFrom(table)
          .select(['contact_id', 'value', 'position'])
          .where(live('deleted_at'), 'is', null)
          .orderBy('contact_id'),
        (contactId, value, position) => {
          if (contactId === contact) {
            (more ??= []).push({ value, position });
            return;
          }
          flush();
          contact = contactId;
          first = value;
          firstPosition = position;
        },
      );
      flush();
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
  return { ids, updatedAt };
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
