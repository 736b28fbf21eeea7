/**
 * The export's fast path for "every contact": pages of live contacts in id order, each page's values
 * read by id range (`contact_id > first and <= last`) instead of a list of ids, so each table is one
 * index range scan per page with two parameters, not thousands. Values of deleted contacts inside the
 * range are read and dropped (they are few). The shape is the API's contact (as loadContacts builds
 * it: primary e-mail and phone first, the others in their order, identities by type, tags by name)
 * plus groups.
 */
import { parseAttributes } from '../contacts/contact-attribute-sql.js';
import { SCALAR_FIELDS, emptyContactState } from '../domain/contact/contact-fields.js';
import type { Gender } from '../domain/normalize/gender.js';
import type { Queryable } from '../store/transaction.js';
import type { ExportedContact } from './export-columns.js';

export async function readContactRange(
  db: Queryable,
  afterId: string,
  limit: number,
): Promise<{ contacts: ExportedContact[]; lastId: string | null }> {
  const rows = await db
    .selectFrom('contacts')
    .selectAll()
    .where('id', '>', afterId)
    .where('deleted_at', 'is', null)
    .orderBy('id')
    .limit(limit)
    .execute();
  if (rows.length === 0) return { contacts: [], lastId: null };
  const lastId = rows[rows.length - 1]!.id;
  const byId = new Map<string, ExportedContact>();
  const contacts = rows.map((row) => {
    const contact: ExportedContact = {
      id: row.id,
      ...emptyContactState(),
      created_at: row.created_at,
      updated_at: row.updated_at,
      groups: [],
    };
    for (const field of SCALAR_FIELDS) (contact as unknown as Record<string, unknown>)[field] = row[field];
    contact.gender = row.gender as Gender | null;
    contact.attributes = parseAttributes(row.attributes);
    byId.set(row.id, contact);
    return contact;
  });
  const inRange = { from: afterId, to: lastId };
  const [emails, phones, identities, tags, groups] = await Promise.all([
    db
      .selectFrom('contact_emails')
      .select(['contact_id', 'value', 'is_primary'])
      .where('contact_id', '>', inRange.from)
      .where('contact_id', '<=', inRange.to)
      .orderBy('contact_id')
      .orderBy('position')
      .execute(),
    db
      .selectFrom('contact_phones')
      .select(['contact_id', 'value', 'is_primary'])
      .where('contact_id', '>', inRange.from)
      .where('contact_id', '<=', inRange.to)
      .orderBy('contact_id')
      .orderBy('position')
      .execute(),
    db
      .selectFrom('contact_identities')
      .select(['contact_id', 'type', 'value'])
      .where('contact_id', '>', inRange.from)
      .where('contact_id', '<=', inRange.to)
      .orderBy('contact_id')
      .orderBy('type')
      .execute(),
    db
      .selectFrom('contact_tags')
      .innerJoin('tags', 'tags.id', 'contact_tags.tag_id')
      .select(['contact_tags.contact_id', 'tags.name'])
      .where('contact_tags.contact_id', '>', inRange.from)
      .where('contact_tags.contact_id', '<=', inRange.to)
      .orderBy('contact_tags.contact_id')
      .orderBy('tags.name_key')
      .execute(),
    db
      .selectFrom('contact_group_members as m')
      .innerJoin('contact_groups as g', 'g.id', 'm.group_id')
      .select(['m.contact_id', 'g.name'])
      .where('m.contact_id', '>', inRange.from)
      .where('m.contact_id', '<=', inRange.to)
      .orderBy('m.contact_id')
      .orderBy('g.name_key')
      .execute(),
  ]);
  for (const [values, primary, additional] of [
    [emails, 'email', 'additional_emails'],
    [phones, 'phone', 'additional_phones'],
  ] as const)
    for (const r of values) {
      const c = byId.get(r.contact_id);
      if (!c) continue;
      if (r.is_primary) c[primary] = r.value;
      else c[additional].push(r.value);
    }
  for (const r of identities) {
    const c = byId.get(r.contact_id);
    if (c) c.identities[r.type] = r.value;
  }
  for (const r of tags) byId.get(r.contact_id)?.tags.push(r.name);
  for (const r of groups) byId.get(r.contact_id)?.groups.push(r.name);
  return { contacts, lastId: rows.length === limit ? lastId : null };
}
