/**
 * A page of the customers list in the wire shape, in one statement: each contact row with its
 * e-mails, phones, identities and tags as JSON arrays of sub-selects. `loadContacts` asks five
 * statements for the same, which on PostgreSQL are five round trips per page (and on SQLite five
 * hops to a read thread). It returns exactly what `loadContacts` returns for live contacts
 * (test/contacts/contact-list-plans.test.ts compares them).
 */
import { CompiledQuery, type RawBuilder, sql } from 'kysely';
import type { Contact } from '../domain/contact/contact-fields.js';
import type { ContactsTable } from '../store/schema.js';
import { type Dialect, sqlDialectOf } from '../store/sql-dialect.js';
import type { Queryable } from '../store/transaction.js';
import type { ContactListMembers } from './contact-list-members.js';
import { contactFromRow } from './contact-repository.js';

type Row = { [K in keyof ContactsTable]: unknown } & {
  id: string;
  created_at: string;
  updated_at: string;
  attributes: string | null;
  /** [value, is_primary] in position order (JSON text on SQLite, parsed on PostgreSQL). */
  emails_json: unknown;
  phones_json: unknown;
  /** [type, value] in type order. */
  identities_json: unknown;
  /** Tag names in name order. */
  tags_json: unknown;
  /** Group names in name order, when asked for. */
  groups_json?: unknown;
};

const parsed = <T>(value: unknown): T[] =>
  value === null || value === undefined
    ? []
    : ((typeof value === 'string' ? JSON.parse(value) : value) as T[]);

/** Live contacts among `ids`, keyed by id (ids of deleted or unknown contacts are left out). */
export async function loadContactsPage(db: Queryable, ids: readonly string[]): Promise<Map<string, Contact>> {
  const result = new Map<string, Contact>();
  if (ids.length === 0) return result;
  const idList =
    sqlDialectOf(db) === 'postgres' ? sql`c.id = any(${[...ids]})` : sql`c.id in (${sql.join(ids)})`;
  for (const { contact } of await selectContacts(db, idList, sql``, false)) result.set(contact.id, contact);
  return result;
}

/**
 * Up to `limit` live contacts after `afterId` in id order, each with its groups' names (an export of
 * everyone on PostgreSQL: one statement, one round trip, a page).
 */
export async function loadContactRangePage(
  db: Queryable,
  afterId: string,
  limit: number,
): Promise<(Contact & { groups: string[] })[]> {
  const selected = await selectContacts(db, sql`c.id > ${afterId}`, sql`order by c.id limit ${limit}`, true);
  return selected.map(({ contact, groups }) => ({ ...contact, groups }));
}

/** The selected live contacts, and their groups' names when asked for (else empty). */
async function selectContacts(
  db: Queryable,
  where: ReturnType<typeof sql>,
  orderAndLimit: ReturnType<typeof sql>,
  withGroups: boolean,
): Promise<{ contact: Contact; groups: string[] }[]> {
  const postgres = sqlDialectOf(db) === 'postgres';
  // json_agg / json_group_array with ORDER BY inside the aggregate (SQLite 3.44+).
  const agg = (expr: ReturnType<typeof sql>, order: ReturnType<typeof sql>) =>
    postgres ? sql`json_agg(${expr} order by ${order})` : sql`json_group_array(${expr} order by ${order})`;
  const pair = (a: ReturnType<typeof sql>, b: ReturnType<typeof sql>) =>
    postgres ? sql`json_build_array(${a}, ${b})` : sql`json_array(${a}, ${b})`;
  const groups = withGroups
    ? sql`, (select ${agg(sql`g.name`, sql`g.name_key`)} from contact_group_members m
        join contact_groups g on g.id = m.group_id where m.contact_id = c.id) as groups_json`
    : sql``;
  const { rows } = await sql<Row>`select c.*,
      (select ${agg(pair(sql`e.value`, sql`e.is_primary`), sql`e.position`)} from contact_emails e
        where e.contact_id = c.id) as emails_json,
      (select ${agg(pair(sql`p.value`, sql`p.is_primary`), sql`p.position`)} from contact_phones p
        where p.contact_id = c.id) as phones_json,
      (select ${agg(pair(sql`i.type`, sql`i.value`), sql`i.type`)} from contact_identities i
        where i.contact_id = c.id) as identities_json,
      (select ${agg(sql`t.name`, sql`t.name_key`)} from contact_tags ct join tags t on t.id = ct.tag_id
        where ct.contact_id = c.id) as tags_json${groups}
    from contacts c where ${where} and c.deleted_at is null ${orderAndLimit}`.execute(db);
  return rows.map((row) => {
    const contact = contactFromRow(row);
    for (const [value, primary] of parsed<[string, unknown]>(row.emails_json))
      if (primary) contact.email = value;
      else contact.additional_emails.push(value);
    for (const [value, primary] of parsed<[string, unknown]>(row.phones_json))
      if (primary) contact.phone = value;
      else contact.additional_phones.push(value);
    for (const [type, value] of parsed<[string, string]>(row.identities_json))
      contact.identities[type] = value;
    contact.tags.push(...parsed<string>(row.tags_json));
    return { contact, groups: parsed<string>(row.groups_json) };
  });
}

/**
 * Live contacts among `ids` as the API writes them, keyed by id: each contact's JSON text built by the
 * statement itself, in the same shape and field order as loadContactsPage's contacts, then the members
 * of `extra` (contact-list-members.ts). The customers list answers with these as they are: no row
 * objects to copy from a read thread, no Contact objects, no serialisation on the main thread, which
 * serves every request (test/contacts/contact-list-plans compares the two loaders).
 */
export async function loadContactsPageJson(
  db: Queryable,
  ids: readonly string[],
  extra: readonly ContactListMembers[] = [],
): Promise<Map<string, string>> {
  const result = new Map<string, string>();
  if (ids.length === 0) return result;
  const dialect = sqlDialectOf(db);
  // The statement is the same for every page (the ids are one parameter): built and compiled once.
  const text = compiledOnce(db, ['page', extra], () => pageJsonStatement(dialect, extra)).sql;
  const { rows } = await db.executeQuery<{ id: string; json: string }>(
    CompiledQuery.raw(text, [dialect === 'postgres' ? [...ids] : JSON.stringify(ids)]),
  );
  for (const row of rows) result.set(row.id, row.json);
  return result;
}

/** loadContactsPageJson's statement; its one parameter is the ids (SQLite: as a JSON array). */
function pageJsonStatement(dialect: Dialect, extra: readonly ContactListMembers[]) {
  const idList =
    dialect === 'postgres'
      ? sql`c.id = any(${sql.val([])})`
      : sql`c.id in (select value from json_each(${sql.val('[]')}))`;
  const { object, joins } = contactJson(dialect, extra);
  return sql`select c.id, ${object} as json from contacts c ${joins} where ${idList} and c.deleted_at is null`;
}

/**
 * The live contact whose id is the column `idColumn` (e.g. `p.id`) as loadContactsPageJson writes it,
 * as a scalar subquery: for a page statement that answers its contacts itself (contact-list-query.ts),
 * one statement for the page. Compiled once per dialect and column: it is the larger part of the page's
 * SQL, and it holds no parameter, so it can stand as text inside any statement.
 */
export function contactJsonOf(
  db: Queryable,
  idColumn: string,
  extra: readonly ContactListMembers[] = [],
): RawBuilder<string> {
  const compiled = compiledOnce(db, [idColumn, extra], () => {
    const { object, joins } = contactJson(sqlDialectOf(db), extra);
    return sql`(select ${object} from contacts c ${joins}
      where c.id = ${sql.ref(idColumn)} and c.deleted_at is null)`;
  });
  if (compiled.parameters.length > 0) throw new Error('the contact JSON subquery must not take parameters');
  return sql.raw<string>(compiled.sql);
}

/**
 * The statement `build` makes, compiled the first time it is asked for on each dialect with these
 * members (the key: its use and the members' names, which the registry keeps unique).
 */
function compiledOnce(
  db: Queryable,
  [use, extra]: [string, readonly ContactListMembers[]],
  build: () => RawBuilder<unknown>,
): CompiledQuery {
  const key = JSON.stringify([sqlDialectOf(db), use, extra.map((m) => m.name)]);
  let compiled = compiledStatements.get(key);
  if (!compiled) compiledStatements.set(key, (compiled = build().compile(db)));
  return compiled;
}

const compiledStatements = new Map<string, CompiledQuery>();

/** A contact row `c` as the API's JSON text, with the members of `extra` after its own, and their joins. */
function contactJson(dialect: Dialect, extra: readonly ContactListMembers[]) {
  const postgres = dialect === 'postgres';
  // A sub-select's JSON is wrapped in json() on SQLite so that it stays JSON, not text, inside the
  // object; PostgreSQL's aggregates answer null for no rows, SQLite's an empty array or object.
  const array = (
    expr: ReturnType<typeof sql>,
    order: ReturnType<typeof sql>,
    from: ReturnType<typeof sql>,
  ) =>
    postgres
      ? sql`coalesce((select json_agg(${expr} order by ${order}) ${from}), '[]'::json)`
      : sql`json((select json_group_array(${expr} order by ${order}) ${from}))`;
  // The primary value is the last primary one by position; the others in position order. PostgreSQL
  // reads both from one lateral scan of the contact's rows (two sub-selects each looked them up: a
  // tenth of a page's statement); SQLite has no lateral join.
  const valueTables = { contact_emails: 'emails_of_c', contact_phones: 'phones_of_c' } as const;
  const primary = (table: keyof typeof valueTables) =>
    postgres
      ? sql.ref(`${valueTables[table]}.primary_value`)
      : sql`(select v.value from ${sql.table(table)} v where v.contact_id = c.id and v.is_primary <> 0
      order by v.position desc limit 1)`;
  const others = (table: keyof typeof valueTables) =>
    postgres
      ? sql.ref(`${valueTables[table]}.other_values`)
      : array(
          sql`v.value`,
          sql`v.position`,
          sql`from ${sql.table(table)} v where v.contact_id = c.id and v.is_primary = 0`,
        );
  const valueJoins = postgres
    ? Object.entries(valueTables).map(
        ([table, alias]) => sql`left join lateral (select
          (array_agg(v.value order by v.position desc) filter (where v.is_primary <> 0))[1] as primary_value,
          coalesce(json_agg(v.value order by v.position) filter (where v.is_primary = 0), '[]'::json)
            as other_values
          from ${sql.table(table)} v where v.contact_id = c.id) ${sql.raw(alias)} on true`,
      )
    : [];
  const identities = postgres
    ? sql`coalesce((select json_object_agg(i.type, i.value order by i.type) from contact_identities i
        where i.contact_id = c.id), '{}'::json)`
    : sql`json((select json_group_object(i.type, i.value order by i.type) from contact_identities i
        where i.contact_id = c.id))`;
  const tags = array(
    sql`t.name`,
    sql`t.name_key`,
    sql`from contact_tags ct join tags t on t.id = ct.tag_id where ct.contact_id = c.id`,
  );
  const attributes = postgres
    ? sql`coalesce(c.attributes, '{}')::json`
    : sql`json(coalesce(c.attributes, '{}'))`;
  const column = (name: string) => sql`${sql.lit(name)}, ${sql.ref(`c.${name}`)}`;
  const fields = [
    column('id'),
    column('name'),
    column('first_name'),
    column('last_name'),
    sql`'email', ${primary('contact_emails')}`,
    sql`'additional_emails', ${others('contact_emails')}`,
    sql`'phone', ${primary('contact_phones')}`,
    sql`'additional_phones', ${others('contact_phones')}`,
    column('gender'),
    column('birthday'),
    column('country'),
    column('province'),
    column('city'),
    column('address'),
    column('postcode'),
    column('company'),
    sql`'tags', ${tags}`,
    column('initial_source'),
    column('initial_source_detail'),
    column('campaign'),
    sql`'identities', ${identities}`,
    sql`'attributes', ${attributes}`,
    column('created_at'),
    column('updated_at'),
  ];
  const added = extra.map((m) => m.sql(dialect));
  fields.push(...added.map((a) => a.members));
  return {
    object: postgres
      ? sql`json_build_object(${sql.join(fields)})::text`
      : sql`json_object(${sql.join(fields)})`,
    joins: sql.join([...valueJoins, ...added.map((a) => a.join)], sql` `),
  };
}
