/**
 * Reading many contacts fast, for exports and the change feed: pages of live contacts in id order
 * (`readContactRange`, each page's values read by id range — `contact_id > first and <= last` — so
 * each table is one index range scan per page with two parameters), and contacts by a list of ids
 * (`readContactsByIds`). On SQLite through contact-range-rows.ts (rows as arrays); PostgreSQL reads
 * through Kysely.
 */
import type { Contact } from '../domain/contact/contact-fields.js';
import type { Store } from '../store/database.js';
import type { Queryable } from '../store/transaction.js';
import {
  CONTACTS_BETWEEN_SQL,
  CONTACTS_BY_IDS_SQL,
  type ContactRangePage,
  type ContactWithGroups,
  VALUES_BETWEEN,
  VALUES_OF_IDS,
  attachValues,
  contactFromRow,
  readRangeFromRows,
} from './contact-range-rows.js';
import { loadContactRangePage } from './contact-page-loader.js';
import { loadContacts } from './contact-repository.js';

export type { ContactRangePage, ContactWithGroups } from './contact-range-rows.js';

export function readContactRange(
  store: Pick<Store, 'db' | 'rowReader'>,
  afterId: string,
  limit: number,
): Promise<ContactRangePage> {
  return store.rowReader
    ? Promise.resolve(readRangeFromRows(store.rowReader, afterId, limit))
    : readRangeThroughKysely(store.db, afterId, limit);
}

/**
 * The contacts of these ids (deleted ones included, as loadContacts with includeDeleted gives them),
 * by id; an id of no contact is absent.
 */
export async function readContactsByIds(
  store: Pick<Store, 'db' | 'rowReader'>,
  ids: readonly string[],
): Promise<Map<string, Contact>> {
  if (!store.rowReader || ids.length === 0) return loadContacts(store.db, ids, { includeDeleted: true });
  const reader = store.rowReader;
  const sorted = [...ids].sort();
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  // Ids written together (an import's, a day's) are neighbours in id order: when the span from the
  // first to the last holds few other contacts, one range read per table beats a lookup per id.
  let contacts: ContactWithGroups[] = [];
  const spanLimit = 2 * sorted.length;
  for (const row of reader.rows({ sql: CONTACTS_BETWEEN_SQL, parameters: [first, last, spanLimit + 1] }))
    contacts.push(contactFromRow(row));
  if (contacts.length <= spanLimit) {
    attachValues(reader, contacts, VALUES_BETWEEN.slice(0, 4), [first, last]);
    if (contacts.length > sorted.length) {
      const wanted = new Set(sorted);
      contacts = contacts.filter((c) => wanted.has(c.id));
    }
  } else {
    const list = JSON.stringify(sorted);
    contacts = [];
    for (const row of reader.rows({ sql: CONTACTS_BY_IDS_SQL, parameters: [list] }))
      contacts.push(contactFromRow(row));
    // Groups are not part of a contact's state: not read.
    attachValues(reader, contacts, VALUES_OF_IDS.slice(0, 4), [list]);
  }
  const byId = new Map<string, Contact>();
  for (const { groups: _groups, ...contact } of contacts) byId.set(contact.id, contact);
  return byId;
}

/** PostgreSQL: the page's contacts with their values and groups in one statement. */
async function readRangeThroughKysely(
  db: Queryable,
  afterId: string,
  limit: number,
): Promise<ContactRangePage> {
  const contacts = await loadContactRangePage(db, afterId, limit);
  return { contacts, lastId: contacts.length === limit ? contacts[contacts.length - 1]!.id : null };
}

/** The names of the groups each of these contacts belongs to, by name. */
export async function readGroupNames(db: Queryable, ids: readonly string[]): Promise<Map<string, string[]>> {
  const byContact = new Map<string, string[]>();
  if (ids.length === 0) return byContact;
  const rows = await db
    .selectFrom('contact_group_members as m')
    .innerJoin('contact_groups as g', 'g.id', 'm.group_id')
    .select(['m.contact_id', 'g.name'])
    .where('m.contact_id', 'in', ids)
    .orderBy('g.name_key')
    .execute();
  for (const row of rows) {
    const names = byContact.get(row.contact_id) ?? [];
    names.push(row.name);
    byContact.set(row.contact_id, names);
  }
  return byContact;
}
