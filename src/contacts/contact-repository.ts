/**
 * SQL for contacts: loading the wire shape in batches (no N+1), persisting a state change row by row,
 * and finding which live contact owns an email, phone or identity.
 */
import type { Insertable } from 'kysely';
import type { Contact, ContactState } from '../domain/contact/contact-fields.js';
import { emptyContactState, SCALAR_FIELDS } from '../domain/contact/contact-fields.js';
import { sameFieldValue } from '../domain/contact/contact-patch.js';
import { newId } from '../domain/ids.js';
import type { Gender } from '../domain/normalize/gender.js';
import type {
  ContactChannelTable,
  ContactIdentitiesTable,
  ContactsTable,
  ContactTagsTable,
} from '../store/schema.js';
import { kyselyRowWriter, type RowUpdate, type RowWriter } from '../store/row-writer.js';
import { sqlDialectOf } from '../store/sql-dialect.js';
import type { Queryable } from '../store/transaction.js';
import { parseAttributes, serializeAttributes } from './contact-attributes-json.js';
import { addToTagCounts, countTagLinks, negated, tagLinksOfContacts } from './tag-counts.js';

/** Loads live contacts (or any, with includeDeleted) in the wire shape, keyed by id. */
export async function loadContacts(
  db: Queryable,
  ids: readonly string[],
  options: {
    includeDeleted?: boolean;
    /**
     * Loading to write: on PostgreSQL the contact rows stay locked until the transaction ends (in id
     * order, so two writers never wait on each other crosswise), so a concurrent change to the same
     * contact is seen, not overwritten (attributes are one column). SQLite runs one writer at a time.
     */
    forUpdate?: boolean;
  } = {},
): Promise<Map<string, Contact>> {
  const result = new Map<string, Contact>();
  if (ids.length === 0) return result;
  let rowsQuery = db.selectFrom('contacts').selectAll().where('id', 'in', ids);
  if (!options.includeDeleted) rowsQuery = rowsQuery.where('deleted_at', 'is', null);
  if (options.forUpdate && sqlDialectOf(db) === 'postgres') rowsQuery = rowsQuery.orderBy('id').forUpdate();
  const rows = await rowsQuery.execute();
  if (rows.length === 0) return result;
  const found = rows.map((r) => r.id);
  const [emails, phones, identities, tags] = await Promise.all([
    db
      .selectFrom('contact_emails')
      .selectAll()
      .where('contact_id', 'in', found)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('contact_phones')
      .selectAll()
      .where('contact_id', 'in', found)
      .orderBy('position')
      .execute(),
    db
      .selectFrom('contact_identities')
      .selectAll()
      .where('contact_id', 'in', found)
      .orderBy('type')
      .execute(),
    db
      .selectFrom('contact_tags')
      .innerJoin('tags', 'tags.id', 'contact_tags.tag_id')
      .select(['contact_tags.contact_id', 'tags.name'])
      .where('contact_tags.contact_id', 'in', found)
      .orderBy('tags.name_key')
      .execute(),
  ]);
  // Rows of a soft-deleted contact carry its deleted_at; a live contact has none.
  for (const row of rows) result.set(row.id, contactFromRow(row));
  for (const [rowsOf, primary, additional] of [
    [emails, 'email', 'additional_emails'],
    [phones, 'phone', 'additional_phones'],
  ] as const) {
    for (const r of rowsOf) {
      const c = result.get(r.contact_id);
      if (!c) continue;
      if (r.is_primary) c[primary] = r.value;
      else c[additional].push(r.value);
    }
  }
  for (const r of identities) {
    const c = result.get(r.contact_id);
    if (c) c.identities[r.type] = r.value;
  }
  for (const r of tags) result.get(r.contact_id)?.tags.push(r.name);
  return result;
}

/** A contact from its `contacts` row: the scalars and attributes, lists and identities still empty. */
export function contactFromRow(row: {
  id: string;
  created_at: string;
  updated_at: string;
  gender: unknown;
  attributes: string | null;
}): Contact {
  const contact: Contact = {
    id: row.id,
    ...emptyContactState(),
    created_at: row.created_at,
    updated_at: row.updated_at,
  };
  for (const field of SCALAR_FIELDS)
    (contact as unknown as Record<string, unknown>)[field] = (row as unknown as Record<string, unknown>)[
      field
    ];
  contact.gender = row.gender as Gender | null;
  contact.attributes = parseAttributes(row.attributes);
  return contact;
}

export type OwnedField = 'email' | 'phone' | `identities.${string}`;

export interface Ownership {
  field: OwnedField;
  value: string;
  contactId: string;
}

/**
 * The first value of `state` that another live contact already owns, checked in the matching priority
 * order identity > phone > email.
 */
export async function findOwnedElsewhere(
  db: Queryable,
  state: ContactState,
  exceptContactId: string | null,
): Promise<Ownership | null> {
  const except = exceptContactId ?? '';
  for (const [type, value] of Object.entries(state.identities)) {
    const row = await db
      .selectFrom('contact_identities')
      .select('contact_id')
      .where('type', '=', type)
      .where('value', '=', value)
      .where('deleted_at', 'is', null)
      .where('contact_id', '!=', except)
      .executeTakeFirst();
    if (row) return { field: `identities.${type}`, value, contactId: row.contact_id };
  }
  for (const [table, field, values] of [
    ['contact_phones', 'phone', [state.phone, ...state.additional_phones]],
    ['contact_emails', 'email', [state.email, ...state.additional_emails]],
  ] as const) {
    const wanted = values.filter((v): v is string => v !== null);
    if (wanted.length === 0) continue;
    const row = await db
      .selectFrom(table)
      .select(['contact_id', 'value'])
      .where('value', 'in', wanted)
      .where('deleted_at', 'is', null)
      .where('contact_id', '!=', except)
      .executeTakeFirst();
    if (row) return { field, value: row.value, contactId: row.contact_id };
  }
  return null;
}

export async function insertContactRow(
  db: Queryable,
  row: Pick<ContactsTable, 'id' | 'created_at' | 'updated_at' | 'created_by' | 'updated_by'>,
): Promise<void> {
  await db
    .insertInto('contacts')
    .values({ ...row, deleted_at: null })
    .execute();
}

export interface ContactStateWrite {
  contactId: string;
  before: ContactState;
  after: ContactState;
}

/** Makes stored rows match `after`, touching only what differs from `before`. */
export async function writeContactState(
  db: Queryable,
  contactId: string,
  before: ContactState,
  after: ContactState,
  meta: { updatedAt: string; updatedBy: string | null },
): Promise<void> {
  await writeContactStates(db, [{ contactId, before, after }], meta);
}

/**
 * The batch form of `writeContactState`: every contact's changes are gathered into a few row
 * operations (deletes first, so a value can move between rows of one batch, then inserts and updates)
 * and written through the store's fastest row writer. Several writes to one contact count as one, from
 * the first `before` to the last `after`. The contacts are live (loaded for writing): their tag links
 * added and removed change the tags' live counts, once per batch.
 */
export async function writeContactStates(
  db: Queryable,
  writes: readonly ContactStateWrite[],
  meta: { updatedAt: string; updatedBy: string | null },
  writer: RowWriter = kyselyRowWriter(db),
): Promise<void> {
  if (writes.length === 0) return;
  const byContact = new Map<string, ContactStateWrite>();
  for (const w of writes) {
    const earlier = byContact.get(w.contactId);
    byContact.set(w.contactId, earlier ? { ...earlier, after: w.after } : w);
  }
  const contactUpdates: RowUpdate[] = [];
  const channelDeletes = { contact_emails: [] as string[][], contact_phones: [] as string[][] };
  const channelInserts = {
    contact_emails: [] as Insertable<ContactChannelTable>[],
    contact_phones: [] as Insertable<ContactChannelTable>[],
  };
  const identityDeletes: string[][] = [];
  const identityInserts: Insertable<ContactIdentitiesTable>[] = [];
  const tagRemovals: { contactId: string; key: string }[] = [];
  const tagAdditions: { contactId: string; name: string }[] = [];

  for (const { contactId, before, after } of byContact.values()) {
    const set: Record<string, unknown> = {};
    for (const field of SCALAR_FIELDS) if (before[field] !== after[field]) set[field] = after[field];
    if (!sameAttributes(before.attributes, after.attributes))
      set.attributes = serializeAttributes(after.attributes);
    contactUpdates.push({
      where: { id: contactId },
      set: { ...set, updated_at: meta.updatedAt, updated_by: meta.updatedBy },
    });

    // A changed list (values, order or primary) is rewritten whole: positions are part of it. Values
    // only added at its end (an import adding an e-mail) are inserted alone.
    for (const [table, primary, additional, kind] of [
      ['contact_emails', 'email', 'additional_emails', 'email'],
      ['contact_phones', 'phone', 'additional_phones', 'phone'],
    ] as const) {
      const [had, has] = [before[additional], after[additional]];
      const samePrimary = before[primary] === after[primary];
      if (samePrimary && sameFieldValue(had, has)) continue;
      const appended =
        samePrimary && has.length > had.length && sameFieldValue(had, has.slice(0, had.length));
      if (!appended) channelDeletes[table].push([contactId]);
      const values = [after[primary], ...has];
      for (let position = appended ? 1 + had.length : 0; position < values.length; position++) {
        const value = values[position]!;
        if (value === null) continue;
        channelInserts[table].push({
          id: newId(kind),
          contact_id: contactId,
          value,
          is_primary: value === after[primary] ? 1 : 0,
          position,
          deleted_at: null,
        });
      }
    }

    for (const type of new Set([...Object.keys(before.identities), ...Object.keys(after.identities)])) {
      const [was, now] = [before.identities[type], after.identities[type]];
      if (was === now) continue;
      if (was !== undefined) identityDeletes.push([contactId, type]);
      if (now !== undefined)
        identityInserts.push({
          id: newId('identity'),
          contact_id: contactId,
          type,
          value: now,
          deleted_at: null,
        });
    }

    const had = new Set(before.tags.map((t) => t.toLowerCase()));
    const wanted = new Set(after.tags.map((t) => t.toLowerCase()));
    for (const key of had) if (!wanted.has(key)) tagRemovals.push({ contactId, key });
    for (const name of after.tags) if (!had.has(name.toLowerCase())) tagAdditions.push({ contactId, name });
  }

  const tagIds = new Map<string, string>();
  const removedKeys = [...new Set(tagRemovals.map((r) => r.key))];
  if (removedKeys.length > 0) {
    const rows = await db
      .selectFrom('tags')
      .select(['id', 'name_key'])
      .where('name_key', 'in', removedKeys)
      .execute();
    for (const r of rows) tagIds.set(r.name_key, r.id);
  }
  const addedNames = new Map(tagAdditions.map((a) => [a.name.toLowerCase(), a.name]));
  if (addedNames.size > 0) {
    const names = [...addedNames.values()];
    (await ensureTags(db, names, meta.updatedAt)).forEach((id, i) => tagIds.set(names[i]!.toLowerCase(), id));
  }

  for (const table of ['contact_emails', 'contact_phones'] as const)
    await writer.delete(table, ['contact_id'], channelDeletes[table]);
  await writer.delete('contact_identities', ['contact_id', 'type'], identityDeletes);
  const removedLinks = tagRemovals.flatMap((r) =>
    tagIds.has(r.key) ? [{ contact_id: r.contactId, tag_id: tagIds.get(r.key)! }] : [],
  );
  await writer.delete(
    'contact_tags',
    ['contact_id', 'tag_id'],
    removedLinks.map((l) => [l.contact_id, l.tag_id]),
  );
  for (const table of ['contact_emails', 'contact_phones'] as const)
    await writer.insert(table, channelInserts[table]);
  await writer.insert('contact_identities', identityInserts);
  const addedLinks = tagAdditions.map((a) => ({
    contact_id: a.contactId,
    tag_id: tagIds.get(a.name.toLowerCase())!,
    created_at: meta.updatedAt,
  }));
  await writer.insert('contact_tags', addedLinks);
  await addToTagCounts(db, countTagLinks(addedLinks, 1, countTagLinks(removedLinks, -1)));
  await writer.update('contacts', contactUpdates);
}

function sameAttributes(a: ContactState['attributes'], b: ContactState['attributes']): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}

/** Tags are created on first use; names compare case-insensitively and keep their first spelling. */
export async function ensureTags(db: Queryable, names: string[], at: string): Promise<string[]> {
  const keys = names.map((n) => n.toLowerCase());
  for (let attempt = 1; ; attempt++) {
    await db
      .insertInto('tags')
      .values(names.map((name) => ({ id: newId('tag'), name, name_key: name.toLowerCase(), created_at: at })))
      .onConflict((oc) => oc.column('name_key').doNothing())
      .execute();
    // On PostgreSQL a tag being deleted (locked by TagService.delete) is waited for here and then made
    // anew on the next turn, instead of being linked to as it goes (a foreign-key failure, a 500).
    let query = db.selectFrom('tags').select(['id', 'name_key']).where('name_key', 'in', keys);
    if (sqlDialectOf(db) === 'postgres') query = query.forKeyShare();
    const byKey = new Map((await query.execute()).map((r) => [r.name_key, r.id]));
    if (attempt >= 3 || keys.every((k) => byKey.has(k))) return keys.map((k) => byKey.get(k)!);
  }
}

/**
 * Soft delete: the contacts and their unique values stop counting as live, so they no longer block new
 * ones, and their tags' live counts drop by the links of those that were live.
 */
export async function markContactsDeleted(
  db: Queryable,
  contactIds: readonly string[],
  at: string,
  by: string | null,
): Promise<void> {
  if (contactIds.length === 0) return;
  const ids = [...contactIds];
  await addToTagCounts(db, negated(await tagLinksOfContacts(db, ids, true)));
  await db
    .updateTable('contacts')
    .set({ deleted_at: at, updated_at: at, updated_by: by })
    .where('id', 'in', ids)
    .execute();
  for (const table of ['contact_emails', 'contact_phones', 'contact_identities'] as const) {
    await db.updateTable(table).set({ deleted_at: at }).where('contact_id', 'in', ids).execute();
  }
}

/** Soft-deleted contacts merged away: their ids keep resolving to the survivor. */
export async function markContactsMerged(
  db: Queryable,
  contactIds: readonly string[],
  survivorId: string,
): Promise<void> {
  if (contactIds.length === 0) return;
  await db
    .updateTable('contacts')
    .set({ merged_into: survivorId })
    .where('id', 'in', [...contactIds])
    .execute();
}

/**
 * Undoes soft deletes (restore, unmerge): the contacts and their unique values count as live again,
 * and so do their tag links. Callers check first that no live contact took those values meanwhile.
 */
export async function markContactsRestored(
  db: Queryable,
  contactIds: readonly string[],
  at: string,
  by: string | null,
): Promise<void> {
  if (contactIds.length === 0) return;
  const ids = [...contactIds];
  await addToTagCounts(db, await tagLinksOfContacts(db, ids, false));
  await db
    .updateTable('contacts')
    .set({ deleted_at: null, merged_into: null, updated_at: at, updated_by: by })
    .where('id', 'in', ids)
    .execute();
  for (const table of ['contact_emails', 'contact_phones', 'contact_identities'] as const) {
    await db.updateTable(table).set({ deleted_at: null }).where('contact_id', 'in', ids).execute();
  }
}

export interface NewContact {
  id: string;
  state: ContactState;
}

/** Creates many contacts at once, through the store's fastest row inserter: the bulk path imports take. */
export async function insertContactsBulk(
  db: Queryable,
  contacts: readonly NewContact[],
  meta: { at: string; by: string | null },
  writer: RowWriter = kyselyRowWriter(db),
): Promise<void> {
  if (contacts.length === 0) return;
  const tagNames = new Map<string, string>();
  for (const c of contacts)
    for (const t of c.state.tags) if (!tagNames.has(t.toLowerCase())) tagNames.set(t.toLowerCase(), t);
  const tagIds = new Map<string, string>();
  if (tagNames.size > 0) {
    const names = [...tagNames.values()];
    const ids = await ensureTags(db, names, meta.at);
    names.forEach((n, i) => tagIds.set(n.toLowerCase(), ids[i]!));
  }
  const contactRows: Insertable<ContactsTable>[] = [];
  const emails: Insertable<ContactChannelTable>[] = [];
  const phones: Insertable<ContactChannelTable>[] = [];
  const identities: Insertable<ContactIdentitiesTable>[] = [];
  const tags: Insertable<ContactTagsTable>[] = [];
  for (const { id, state } of contacts) {
    const row: Insertable<ContactsTable> = {
      id,
      created_at: meta.at,
      updated_at: meta.at,
      deleted_at: null,
      created_by: meta.by,
      updated_by: meta.by,
      attributes: serializeAttributes(state.attributes),
    };
    for (const field of SCALAR_FIELDS) (row as Record<string, unknown>)[field] = state[field];
    contactRows.push(row);
    for (const [target, primary, additional, kind] of [
      [emails, state.email, state.additional_emails, 'email'],
      [phones, state.phone, state.additional_phones, 'phone'],
    ] as const) {
      [primary, ...additional].forEach((value, position) => {
        if (value !== null) {
          target.push({
            id: newId(kind),
            contact_id: id,
            value,
            is_primary: value === primary ? 1 : 0,
            position,
            deleted_at: null,
          });
        }
      });
    }
    for (const [type, value] of Object.entries(state.identities)) {
      identities.push({ id: newId('identity'), contact_id: id, type, value, deleted_at: null });
    }
    for (const tag of state.tags)
      tags.push({ contact_id: id, tag_id: tagIds.get(tag.toLowerCase())!, created_at: meta.at });
  }
  await writer.insert('contacts', contactRows);
  await writer.insert('contact_emails', emails);
  await writer.insert('contact_phones', phones);
  await writer.insert('contact_identities', identities);
  await writer.insert('contact_tags', tags);
  await addToTagCounts(db, countTagLinks(tags, 1));
}
