/** Looks up, for a batch of rows, which live contacts own their ids, identities, phones and emails. */
import { chunked } from '../../store/chunked.js';
import type { Queryable } from '../../store/transaction.js';
import { identityKey, type OwnerLookup, type RowKeys } from './match-row-to-contact.js';

const CHUNK = 500;

export async function lookupOwners(db: Queryable, rows: RowKeys[]): Promise<OwnerLookup> {
  const ids = [...new Set(rows.map((r) => r.id).filter((v): v is string => v !== null))];
  const identitiesByType = new Map<string, Set<string>>();
  for (const r of rows) {
    for (const [type, value] of Object.entries(r.identities)) {
      let values = identitiesByType.get(type);
      if (!values) identitiesByType.set(type, (values = new Set()));
      values.add(value);
    }
  }
  const phones = [...new Set(rows.flatMap((r) => r.phones))];
  const emails = [...new Set(rows.flatMap((r) => r.emails))];
  const liveIds = new Set<string>();
  const identityOwner = new Map<string, string>();
  const phoneOwner = new Map<string, string>();
  const emailOwner = new Map<string, string>();
  for (const part of chunked(ids, CHUNK)) {
    const found = await db
      .selectFrom('contacts')
      .select('id')
      .where('id', 'in', part)
      .where('deleted_at', 'is', null)
      .execute();
    for (const r of found) liveIds.add(r.id);
  }
  for (const [type, values] of identitiesByType) {
    // By (type, value): the live unique index answers it.
    for (const part of chunked([...values], CHUNK)) {
      const found = await db
        .selectFrom('contact_identities')
        .select(['value', 'contact_id'])
        .where('type', '=', type)
        .where('value', 'in', part)
        .where('deleted_at', 'is', null)
        .execute();
      for (const r of found) identityOwner.set(identityKey(type, r.value), r.contact_id);
    }
  }
  for (const [values, table, owners] of [
    [phones, 'contact_phones', phoneOwner],
    [emails, 'contact_emails', emailOwner],
  ] as const) {
    for (const part of chunked(values, CHUNK)) {
      const found = await db
        .selectFrom(table)
        .select(['value', 'contact_id'])
        .where('value', 'in', part)
        .where('deleted_at', 'is', null)
        .execute();
      for (const r of found) owners.set(r.value, r.contact_id);
    }
  }
  return { liveIds, identityOwner, phoneOwner, emailOwner };
}
