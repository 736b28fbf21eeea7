/**
 * Contacts read from SQLite as arrays (the store's RowReader) and joined by walking the contacts and
 * each table's rows side by side, both in id order: no object per row and no map lookups, which were
 * half of an export's time. The shape is the API's contact (as loadContacts builds it: primary e-mail
 * and phone first, the others in their order, identities by type, tags by name) plus groups.
 *
 * Free of the query builder and the normalisers on purpose: the export's threads load this module,
 * and each module a thread loads is memory of its own (Kysely alone is about 17 MB a thread).
 */
import type { Contact } from '../domain/contact/contact-fields.js';
import type { Gender } from '../domain/normalize/gender.js';
import type { RowReader } from '../store/row-reader.js';
import { parseAttributes } from './contact-attributes-json.js';

/** A contact with the names of the groups it belongs to. */
export interface ContactWithGroups extends Contact {
  groups: string[];
}

export interface ContactRangePage {
  contacts: ContactWithGroups[];
  /** The id to read on from, or null when this was the last page. */
  lastId: string | null;
}

// In the order contactFromRow reads them.
const CONTACT_COLUMNS = [
  'id',
  'name',
  'first_name',
  'last_name',
  'gender',
  'birthday',
  'country',
  'province',
  'city',
  'address',
  'postcode',
  'company',
  'initial_source',
  'initial_source_detail',
  'campaign',
  'attributes',
  'created_at',
  'updated_at',
] as const;

/** A contact from its row (CONTACT_COLUMNS), as one literal: the export's hottest allocation. */
export function contactFromRow(row: unknown[]): ContactWithGroups {
  return {
    id: row[0] as string,
    name: row[1] as string | null,
    first_name: row[2] as string | null,
    last_name: row[3] as string | null,
    email: null,
    additional_emails: [],
    phone: null,
    additional_phones: [],
    gender: row[4] as Gender | null,
    birthday: row[5] as string | null,
    country: row[6] as string | null,
    province: row[7] as string | null,
    city: row[8] as string | null,
    address: row[9] as string | null,
    postcode: row[10] as string | null,
    company: row[11] as string | null,
    tags: [],
    initial_source: row[12] as string | null,
    initial_source_detail: row[13] as string | null,
    campaign: row[14] as string | null,
    identities: {},
    attributes: parseAttributes(row[15] as string | null),
    created_at: row[16] as string,
    updated_at: row[17] as string,
    groups: [],
  };
}

const SELECT_CONTACTS = `select ${CONTACT_COLUMNS.map((c) => `"${c}"`).join(', ')} from contacts`;
const CONTACTS_SQL = `${SELECT_CONTACTS} where id > ? and deleted_at is null order by id limit ?`;
const CONTACTS_UP_TO_SQL = `${SELECT_CONTACTS} where id > ? and id <= ? and deleted_at is null order by id`;
export const CONTACTS_BY_IDS_SQL = `${SELECT_CONTACTS} where id in (select value from json_each(?)) order by id`;
export const CONTACTS_BETWEEN_SQL = `${SELECT_CONTACTS} where id >= ? and id <= ? order by id limit ?`;

/** Each table's rows of the selected contacts, in contact id order, then the contact's own order of them. */
function valueQueries(selects: string) {
  return [
    `select contact_id, value, is_primary from contact_emails where ${selects} order by contact_id, position`,
    `select contact_id, value, is_primary from contact_phones where ${selects} order by contact_id, position`,
    `select contact_id, type, value from contact_identities where ${selects} order by contact_id, type`,
    `select m.contact_id, t.name from contact_tags m join tags t on t.id = m.tag_id
      where m.${selects} order by m.contact_id, t.name_key`,
    `select m.contact_id, g.name from contact_group_members m join contact_groups g on g.id = m.group_id
      where m.${selects} order by m.contact_id, g.name_key`,
  ] as const;
}
const VALUES_IN_RANGE = valueQueries('contact_id > ? and contact_id <= ?');
export const VALUES_OF_IDS = valueQueries('contact_id in (select value from json_each(?))');
export const VALUES_BETWEEN = valueQueries('contact_id >= ? and contact_id <= ?');

const ADD_VALUE: readonly ((contact: ContactWithGroups, row: unknown[]) => void)[] = [
  (c, r) => (r[2] ? (c.email = r[1] as string) : c.additional_emails.push(r[1] as string)),
  (c, r) => (r[2] ? (c.phone = r[1] as string) : c.additional_phones.push(r[1] as string)),
  (c, r) => (c.identities[r[1] as string] = r[2] as string),
  (c, r) => c.tags.push(r[1] as string),
  (c, r) => c.groups.push(r[1] as string),
];

/** Fills in the contacts' (in id order) e-mails, phones, identities, tags and groups. */
export function attachValues(
  reader: RowReader,
  contacts: ContactWithGroups[],
  queries: readonly string[],
  parameters: unknown[],
): void {
  queries.forEach((sql, table) => {
    // Both sides are in id order: advance through the contacts as the rows' ids grow; a row of a
    // contact not read (deleted) matches none and is passed over.
    const add = ADD_VALUE[table]!;
    let at = 0;
    for (const row of reader.rows({ sql, parameters })) {
      const id = row[0] as string;
      while (at < contacts.length && contacts[at]!.id < id) at++;
      if (at === contacts.length) break;
      if (contacts[at]!.id === id) add(contacts[at]!, row);
    }
  });
}

/**
 * Live contacts after `afterId` in id order: at most `limit` of them, or, with `upToId`, every one up
 * to that id (the export's worker threads take such slices).
 */
export function readRangeFromRows(
  reader: RowReader,
  afterId: string,
  limit: number,
  upToId?: string,
): ContactRangePage {
  const contacts: ContactWithGroups[] = [];
  const query =
    upToId === undefined
      ? { sql: CONTACTS_SQL, parameters: [afterId, limit] }
      : { sql: CONTACTS_UP_TO_SQL, parameters: [afterId, upToId] };
  for (const row of reader.rows(query)) contacts.push(contactFromRow(row));
  if (contacts.length === 0) return { contacts, lastId: null };
  const lastId = contacts[contacts.length - 1]!.id;
  attachValues(reader, contacts, VALUES_IN_RANGE, [afterId, lastId]);
  return { contacts, lastId: contacts.length === limit ? lastId : null };
}
